//! How far a long read has got, told as `(what, done, of)`: silent by
//! default, given a function by a caller that shows it, or on a terminal
//! ([`Progress::on_terminal`]) one line on stderr rewritten in place.

use std::io::IsTerminal;
use std::sync::Arc;

/// Where a long plan tells how far it has got: `(what, done, of)`, e.g.
/// `("reading production users", 120, 980)`. Silent by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Report>>);

/// What a [`Progress`] calls.
type Report = dyn Fn(&str, usize, usize) + Send + Sync;

impl Progress {
    /// Progress told to `report`.
    pub fn new(report: impl Fn(&str, usize, usize) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(report)))
    }

    /// Progress on stderr when stderr is a terminal (never in logs or
    /// pipes, where it is silent): one line rewritten in place, at most a
    /// hundred times, ended when done.
    pub fn on_terminal() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::default();
        }
        Progress::new(|what, done, of| {
            if done == of || done % step(of) == 0 {
                let end = if done == of { "\n" } else { "" };
                eprint!("\r{what}: {done} of {of}{end}");
            }
        })
    }

    /// Tells `report` that `done` of `of` are done.
    pub fn tell(&self, what: &str, done: usize, of: usize) {
        if let Some(report) = &self.0 {
            report(what, done, of);
        }
    }
}

/// How many items a terminal line waits for between updates.
fn step(of: usize) -> usize {
    (of / 100).max(1)
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn a_terminal_line_is_rewritten_at_most_a_hundred_times() {
        assert_eq!(step(0), 1);
        assert_eq!(step(99), 1);
        assert_eq!(step(250), 2);
        assert_eq!(step(10_000), 100);
    }
}
