//! Where reports go: stdout, or a file written atomically (temp file in the same directory,
//! then renamed), so a failed or interrupted run never leaves a half-written report.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{exit, Failure};

/// The temp file being written, if any: removed when the run is interrupted.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn set_pending(path: Option<PathBuf>) {
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = path;
}

/// On Ctrl-C (SIGINT) or SIGTERM: remove the half-written report, if any, and exit with 130.
pub fn exit_cleanly_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        if let Some(path) = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(i32::from(exit::INTERRUPTED));
    });
    // Without a handler the default action still stops the process; nothing to report.
    drop(installed);
}

/// Writes with `render` to `path` atomically, or to stdout when `path` is `None`.
/// A closed stdout (broken pipe) is not an error: the reader has what it wanted.
pub fn write_output(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            match render(&mut out).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(err) => Err(Failure::failed(format!("writing to stdout: {err}"))),
            }
        }
        Some(path) => write_atomically(path, render)
            .map_err(|err| Failure::failed(format!("{}: {err}", path.display()))),
    }
}

fn write_atomically(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A report is an ordinary file: readable as the umask allows, not 0600 like a temp file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    set_pending(Some(temp.path().to_path_buf()));
    let result = (|| {
        let mut out = BufWriter::with_capacity(1 << 16, temp);
        render(&mut out)?;
        let temp = out.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    set_pending(None);
    result
}
