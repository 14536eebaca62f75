//! Waiting on something observable (the simulator saw a call, a process wrote a line) instead
//! of sleeping for a guessed time. The deadline only keeps a broken test from hanging.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// How long a test waits for an event before it calls the event missing.
pub const PATIENCE: Duration = Duration::from_secs(60);

const POLL: Duration = Duration::from_millis(10);

/// Blocks until `happened` returns true; fails the test naming `what` after [`PATIENCE`].
pub fn wait_for(what: &str, mut happened: impl FnMut() -> bool) {
    let started = Instant::now();
    while !happened() {
        assert!(started.elapsed() < PATIENCE, "never happened: {what}");
        std::thread::sleep(POLL);
    }
}

/// [`wait_for`] for async tests: yields to the runtime between looks.
pub async fn wait_for_async(what: &str, mut happened: impl FnMut() -> bool) {
    let started = Instant::now();
    while !happened() {
        assert!(started.elapsed() < PATIENCE, "never happened: {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// The child's exit and output, failing the test (after killing it) if it runs past `limit`.
pub fn wait_with_output_before(
    mut child: std::process::Child,
    limit: Duration,
) -> std::process::Output {
    let exited = super::plugin_client::wait_for_exit(&mut child, limit);
    if exited.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("wait");
    assert!(exited.is_some(), "still running after {limit:?}: {out:?}");
    out
}
