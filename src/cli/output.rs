//! Where reports go: stdout, or a file written atomically (temp file in the same directory,
//! then renamed), so a failed or interrupted run never leaves a half-written report. A path
//! that is not a regular file (`/dev/null`, a named pipe, a terminal) is written in place:
//! renaming a file over it would replace the device or pipe with a plain file.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{exit, Failure};

/// The temp files being written: removed when the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// On Ctrl-C (SIGINT) or SIGTERM: remove the half-written report, if any, and exit with 130.
pub fn exit_cleanly_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        for path in pending().drain(..) {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(i32::from(exit::INTERRUPTED));
    });
    // Without a handler the default action still stops the process; nothing to report.
    drop(installed);
}

/// Refuses, before anything is read or written, a run whose output files (`outputs`: what
/// each is, its path) cannot be created (see [`check_output_directory`]) or name one of its
/// inputs (files or directories given on the command line) or each other: writing would
/// replace the input (or the first output) with a report.
/// Paths are compared as files (hard and symbolic links to one file are the same file), or
/// by their resolved location when the output does not exist yet.
pub fn refuse_clobbering(outputs: &[(&str, &Path)], inputs: &[&Path]) -> Result<(), Failure> {
    for (i, &(what, output)) in outputs.iter().enumerate() {
        check_output_directory(output)?;
        for &input in inputs {
            if same_file(output, input) {
                return Err(Failure::usage(format!(
                    "{what} {} is an input of this run ({}); refusing to overwrite it",
                    output.display(),
                    input.display()
                )));
            }
        }
        for &(other_what, other) in &outputs[..i] {
            if same_file(output, other) {
                return Err(Failure::usage(format!(
                    "{what} {} and {other_what} {} are the same file; give each its own",
                    output.display(),
                    other.display()
                )));
            }
        }
    }
    Ok(())
}

/// Whether two paths name one file: the same device and inode when both exist, else the same
/// resolved location (directory resolved, file name compared).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        // A device or pipe (`/dev/stdout`, `/dev/null`) may stand for both without harm.
        return x.is_file() && (x.dev(), x.ino()) == (y.dev(), y.ino());
    }
    let resolved = |p: &Path| -> Option<PathBuf> {
        if let Ok(full) = std::fs::canonicalize(p) {
            return Some(full);
        }
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
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
    let mut file = AtomicFile::create(path)?;
    render(&mut file)?;
    file.commit()
}

/// Removes `dir`'s temp files for `file_name` (`.NAME.PID.XXXXXX.tmp`) whose process is no
/// longer running (Linux: no `/proc/PID`); elsewhere none is removed.
fn remove_stale_temp_files(dir: &Path, file_name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{file_name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .filter(|rest| rest.ends_with(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Refuses, before any work, an output file that cannot be created: its directory missing or
/// not a directory. (Permissions are found when it is written, atomically as ever.)
pub fn check_output_directory(path: &Path) -> Result<(), Failure> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => return Ok(()),
    };
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Failure::usage(format!(
            "{}: {} is not a directory",
            path.display(),
            dir.display()
        ))),
        Err(err) => Err(Failure::usage(format!(
            "{}: cannot write into {}: {err}",
            path.display(),
            dir.display()
        ))),
    }
}

/// A file written under a temp name in its final directory and renamed into place by
/// [`AtomicFile::commit`]; dropped uncommitted (an error, an interrupt), it is removed. A
/// path that exists and is neither a regular file nor a directory (a device, a named pipe, a
/// socket) is written in place instead; a symbolic link to a file keeps the link and replaces
/// the file it points to; a file with other hard links gets the complete temp file's content
/// copied into it (a rename would leave the other links on the old report).
pub struct AtomicFile {
    /// `None` once committed.
    out: Option<Sink>,
    path: PathBuf,
    /// The file replaced has other hard links: copy into it instead of renaming over it.
    copy_into_place: bool,
}

enum Sink {
    Temp(BufWriter<tempfile::NamedTempFile>),
    InPlace(BufWriter<File>),
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        // What `path` names now (through a symbolic link): a special file, or one to replace.
        let existing = std::fs::metadata(path).ok();
        if let Some(target) = &existing {
            if !target.is_file() && !target.is_dir() {
                let file = OpenOptions::new().write(true).open(path)?;
                return Ok(AtomicFile {
                    out: Some(Sink::InPlace(BufWriter::with_capacity(1 << 16, file))),
                    path: path.to_path_buf(),
                    copy_into_place: false,
                });
            }
        }
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let resolved = match is_link {
            true => std::fs::canonicalize(path).ok(),
            false => None,
        };
        let path = resolved.as_deref().unwrap_or(path);
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        // The temp file's name carries this process's id: one left by a run that was killed
        // (SIGKILL, a crash) is recognised by a later run and removed.
        remove_stale_temp_files(dir, &file_name);
        let prefix = format!(".{file_name}.{}.", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // An output is an ordinary file: readable as the umask allows, not 0600 like a temp
        // file; one that replaces a file keeps that file's permissions.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = existing.as_ref().map_or(0o666, |m| m.permissions().mode());
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let temp = builder.tempfile_in(dir)?;
        // And its owner, where this process may give it (root replacing a user's file).
        #[cfg(unix)]
        if let Some(existing) = &existing {
            use std::os::unix::fs::MetadataExt;
            let _ =
                std::os::unix::fs::chown(temp.path(), Some(existing.uid()), Some(existing.gid()));
        }
        pending().push(temp.path().to_path_buf());
        #[cfg(unix)]
        let copy_into_place = existing.as_ref().is_some_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.nlink() > 1
        });
        #[cfg(not(unix))]
        let copy_into_place = false;
        Ok(AtomicFile {
            out: Some(Sink::Temp(BufWriter::with_capacity(1 << 16, temp))),
            path: path.to_path_buf(),
            copy_into_place,
        })
    }

    /// Flushes, syncs and renames the file into place (flushes only, when written in place).
    pub fn commit(mut self) -> io::Result<()> {
        let out = match self.out.take().expect("an AtomicFile is committed once") {
            Sink::InPlace(mut out) => return out.flush(),
            Sink::Temp(out) => out,
        };
        let temp_path = out.get_ref().path().to_path_buf();
        let result = out
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|temp| {
                temp.as_file().sync_all()?;
                if self.copy_into_place {
                    // The report is complete on disk; only now is the linked file rewritten.
                    let mut report = File::open(temp.path())?;
                    let mut target = OpenOptions::new()
                        .write(true)
                        .truncate(true)
                        .open(&self.path)?;
                    io::copy(&mut report, &mut target)?;
                    return target.sync_all();
                }
                temp.persist(&self.path).map(drop).map_err(|e| e.error)
            });
        pending().retain(|p| *p != temp_path);
        result
    }

    fn out(&mut self) -> &mut dyn Write {
        match self.out.as_mut().expect("not yet committed") {
            Sink::Temp(out) => out,
            Sink::InPlace(out) => out,
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Uncommitted: NamedTempFile removes the file itself; forget it here.
        if let Some(Sink::Temp(out)) = &self.out {
            let temp_path = out.get_ref().path().to_path_buf();
            pending().retain(|p| *p != temp_path);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out().flush()
    }
}
