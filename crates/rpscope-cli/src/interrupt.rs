//! SIGINT and SIGTERM (a cancelled CI job, `timeout`): the first one asks the run to
//! stop, so the runner ends the adapter's process group and still writes every report;
//! a second one ends the process at once.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The flag the first SIGINT or SIGTERM sets. Without signal support the flag simply
/// never gets set.
pub fn on_signal() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registered in this order, a second signal finds the flag set and exits with
        // 128 + the signal number, as the shell would report it; the first only sets it.
        let _ =
            signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, flag.clone());
        let _ = signal_hook::flag::register(signal, flag.clone());
    }
    flag
}
