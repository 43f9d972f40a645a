//! A progress bar on stderr, only when stderr is a terminal and the work has already taken
//! more than a second; nothing at all on a pipe.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wiretrace::pipeline::{Progress, Stage};

const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct ProgressBarReporter {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    state: Mutex<(bool, Option<Stage>)>,
}

impl ProgressBarReporter {
    pub fn new(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg:>20} [{bar:40}] {pos}/{len} ({elapsed})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        ProgressBarReporter {
            bar,
            started: Instant::now(),
            enabled: !quiet && std::io::stderr().is_terminal(),
            state: Mutex::new((false, None)),
        }
    }

    pub fn update(&self, progress: Progress) {
        if !self.enabled {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.0 && self.started.elapsed() >= SHOW_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            state.0 = true;
        }
        if state.1 != Some(progress.stage) {
            state.1 = Some(progress.stage);
            self.bar.set_message(progress.stage.name());
            self.bar.set_length(progress.total);
            // A stage that cannot count its work shows a spinner instead of an empty bar.
            let template = if progress.total == 0 {
                "{msg:>20} {spinner} ({elapsed})"
            } else {
                "{msg:>20} [{bar:40}] {pos}/{len} ({elapsed})"
            };
            self.bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
        self.bar.set_position(progress.done);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
