//! What the OS says to the process: Ctrl-C (SIGINT on unix, the console's Ctrl-C event on
//! Windows) abandons the work in flight but keeps serving until `Shutdown`; a request to
//! terminate (SIGTERM; Ctrl-Break, console close or system shutdown on Windows) stops serving.
//! In debug mode Ctrl-C stops serving too.

use tokio_util::sync::CancellationToken;

/// Watches for the signals above for as long as the runtime runs.
pub fn watch(shutdown: CancellationToken, interrupt: CancellationToken, debug: bool) {
    let on_ctrl_c = move |shutdown: &CancellationToken| {
        if debug {
            shutdown.cancel();
            return true;
        }
        tracing::info!("Ctrl-C: abandoning the work in flight; serving until Shutdown");
        interrupt.cancel();
        false
    };
    platform::watch(shutdown, on_ctrl_c);
}

#[cfg(unix)]
mod platform {
    use tokio::signal::unix::{signal, SignalKind};
    use tokio_util::sync::CancellationToken;

    /// SIGINT is Terraform's Ctrl-C reaching the whole process group.
    pub fn watch(
        shutdown: CancellationToken,
        on_ctrl_c: impl Fn(&CancellationToken) -> bool + Send + 'static,
    ) {
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("could not install signal handlers");
            return;
        };
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = term.recv() => { shutdown.cancel(); break; }
                    _ = int.recv() => if on_ctrl_c(&shutdown) { break },
                }
            }
        });
    }
}

#[cfg(windows)]
mod platform {
    use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close, ctrl_shutdown};
    use tokio_util::sync::CancellationToken;

    /// Console control events: Ctrl-C reaches every process attached to the console, as
    /// SIGINT reaches the process group on unix.
    pub fn watch(
        shutdown: CancellationToken,
        on_ctrl_c: impl Fn(&CancellationToken) -> bool + Send + 'static,
    ) {
        let (Ok(mut int), Ok(mut brk), Ok(mut close), Ok(mut off)) =
            (ctrl_c(), ctrl_break(), ctrl_close(), ctrl_shutdown())
        else {
            tracing::warn!("could not install console control handlers");
            return;
        };
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = int.recv() => if on_ctrl_c(&shutdown) { break },
                    _ = brk.recv() => { shutdown.cancel(); break; }
                    _ = close.recv() => { shutdown.cancel(); break; }
                    _ = off.recv() => { shutdown.cancel(); break; }
                }
            }
        });
    }
}
