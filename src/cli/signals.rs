//! Ctrl-C and SIGTERM during `mtvt run`: the first cancels the run and lets teardown run,
//! a second one exits at once (130) and leaves the journal for `mtvt clean`.

use tokio_util::sync::CancellationToken;

use crate::report::{exit, progress};

/// First Ctrl-C (or SIGTERM): cancel and let teardown run. Second: exit 130 at once (the
/// journal lets `mtvt clean` finish). One listener per signal for the whole run; a second
/// signal within half a second of the first counts as the same one.
pub async fn watch_signals(cancel: CancellationToken, progress: progress::Progress) {
    let mut signals = Signals::new();
    signals.next().await;
    progress.send(progress::Event::Note(
        "interrupted: stopping and tearing down (Ctrl-C again to exit now; then run `mtvt clean`)"
            .into(),
    ));
    cancel.cancel();
    // a signal delivered twice at once (GNU timeout signals the child, then its process group)
    // is one request to stop
    let first = std::time::Instant::now();
    loop {
        signals.next().await;
        if first.elapsed() >= std::time::Duration::from_millis(500) {
            break;
        }
    }
    eprintln!(
        "interrupted twice: exiting without teardown; run `mtvt clean <data-collector>/resources.json`"
    );
    std::process::exit(i32::from(exit::INTERRUPTED));
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere).
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        {
            match (&mut self.int, &mut self.term) {
                (Some(i), Some(t)) => {
                    tokio::select! {
                        _ = i.recv() => {}
                        _ = t.recv() => {}
                    }
                }
                (Some(i), None) => {
                    i.recv().await;
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
