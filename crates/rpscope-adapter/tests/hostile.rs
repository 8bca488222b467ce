//! The runner against adapters that hang, close stdout, flood their pipes or are
//! interrupted: every run ends, with a report, in bounded memory, and leaves no
//! process of the adapter's group behind (docs/protocol.md).
//!
//! Deadlines here are generous upper bounds, far below the timeouts the runner is
//! given, so that only a runner that waits for those timeouts fails them.

use rpscope_adapter::process::{interrupt_on_signals, MAX_LINE};
use rpscope_adapter::{AdapterTarget, Options, Unavailable};
use rpscope_corpus::{
    run, Answer, Ceremony, Corpus, KnownDivergences, Report, Selection, ServerCase, Side, Status,
    Target,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ADAPTER: &str = env!("CARGO_BIN_EXE_rpscope-reference-adapter");
/// A timeout no test may come near: reaching it means the runner waited for it.
const LONG: Duration = Duration::from_secs(600);
/// How long a test may take for what should happen at once, on a busy machine.
const PROMPTLY: Duration = Duration::from_secs(60);

fn options(case_timeout: Duration, start_timeout: Duration) -> Options {
    Options {
        case_timeout,
        start_timeout,
        interrupt: None,
    }
}

fn selection() -> Selection<'static> {
    Selection {
        filter: Some("server-exact::"),
        side: Some(Side::Server),
        ..Selection::default()
    }
}

fn run_on(target: &mut dyn Target) -> Report {
    let corpus = Corpus::embedded().unwrap();
    run(&corpus, target, &selection(), &KnownDivergences::none())
}

fn errors(report: &Report) -> Vec<&str> {
    report
        .results
        .iter()
        .filter(|r| r.status == Status::Error)
        .map(|r| r.explanation.as_deref().unwrap_or_default())
        .collect()
}

fn passed(report: &Report) -> usize {
    report
        .results
        .iter()
        .filter(|r| r.status == Status::Pass)
        .count()
}

/// Whether the process group `pgid` is empty (`kill(-pgid, 0)` fails with
/// ESRCH), waiting up to [`PROMPTLY`] for processes already killed to be reaped.
fn group_is_gone(pgid: u32) -> bool {
    let pgid = libc::pid_t::try_from(pgid).unwrap();
    let deadline = Instant::now() + PROMPTLY;
    loop {
        // SAFETY: kill(2) with signal 0 only checks for the group's existence.
        let r = unsafe { libc::kill(-pgid, 0) };
        if r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_hanging_handshake_ends_at_the_start_timeout_and_every_case_is_an_error_naming_it() {
    let started = Instant::now();
    let error = AdapterTarget::start(
        &format!("{ADAPTER} --fault hang-start"),
        options(LONG, Duration::from_millis(500)),
    )
    .err()
    .unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < PROMPTLY, "{took:?}");
    assert!(
        error
            .message
            .contains("no answer to the `start` handshake within 0.5 s"),
        "{error}"
    );

    let mut unavailable = Unavailable {
        name: "adapter:hanging".into(),
        reason: error.message.clone(),
    };
    let report = run_on(&mut unavailable);
    assert!(report.total > 0);
    assert_eq!(errors(&report).len(), report.total);
    assert!(errors(&report).iter().all(|e| *e == error.message));
    assert_eq!(report.stopped.as_deref(), Some(error.message.as_str()));
    assert_eq!(report.target, "adapter:hanging");
    assert!(!report.conforms());
}

#[test]
fn restarts_whose_handshake_hangs_take_the_start_timeout_and_the_adapter_is_given_up() {
    let dir = std::env::temp_dir().join(format!("rpscope-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("started-once");
    let _ = std::fs::remove_file(&marker);
    // Starts once and crashes at seq 2; every later start hangs in the handshake.
    let command = format!(
        "if [ -e '{m}' ]; then exec {ADAPTER} --fault hang-start; fi; touch '{m}'; exec {ADAPTER} --fault crash@2",
        m = marker.display()
    );
    // The first start must get through too: 2 s is ample for it on a busy machine.
    let mut target = AdapterTarget::start(&command, options(LONG, Duration::from_secs(2))).unwrap();
    let started = Instant::now();
    let report = run_on(&mut target);
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    let errors = errors(&report);
    assert_eq!(passed(&report), 1);
    assert_eq!(errors.len(), report.total - 1);
    assert!(errors[0].contains("crashing at seq 2"), "{}", errors[0]);
    for e in &errors[1..4] {
        assert!(
            e.contains("could not be started again")
                && e.contains("no answer to the `start` handshake within 2 s"),
            "{e}"
        );
    }
    let given_up = target.stopped().unwrap();
    assert!(
        given_up.starts_with("not started again after 3 failed starts in a row"),
        "{given_up}"
    );
    assert!(errors[4..].iter().all(|e| *e == given_up));
    assert_eq!(report.stopped.as_deref(), Some(given_up.as_str()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// One closed stdout costs one `error` result and a restart, long before `LONG`.
fn closed_stdout_is_noticed_at_once(command: &str) {
    let mut target = AdapterTarget::start(command, options(LONG, LONG)).unwrap();
    let first = target.process_id().unwrap();
    let started = Instant::now();
    let report = run_on(&mut target);
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("the adapter closed its stdout")
            && errors[0].contains("closing stdout at seq 3"),
        "{}",
        errors[0]
    );
    assert_eq!(passed(&report), report.total - 1);
    assert_eq!(target.restarts(), 1);
    // The adapter that closed its stdout lived on; it was ended with its group.
    assert!(group_is_gone(first));
    target.stop();
}

#[test]
fn an_adapter_that_closes_stdout_is_noticed_at_once() {
    closed_stdout_is_noticed_at_once(&format!("{ADAPTER} --fault close-stdout@3"));
}

#[test]
fn an_adapter_that_closes_stdout_behind_a_wrapper_is_noticed_at_once() {
    closed_stdout_is_noticed_at_once(&format!(
        "sh -c 'echo wrapped >&2; exec {ADAPTER} --fault close-stdout@3'"
    ));
}

#[test]
fn a_wrapper_that_closes_stdout_in_the_handshake_is_noticed_at_once() {
    let started = Instant::now();
    let error = AdapterTarget::start("sh -c 'exec 1>&-; sleep 100'", options(LONG, LONG))
        .err()
        .unwrap();
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    assert!(
        error
            .message
            .contains("during the handshake: the adapter closed its stdout"),
        "{error}"
    );
}

#[test]
fn an_adapter_that_exits_while_its_child_holds_stdout_is_noticed_at_once() {
    // `sleep` inherits stdout and outlives the adapter: no end of file comes, but
    // the adapter's exit is seen, and the group, `sleep` included, is ended.
    let command = format!("sh -c 'sleep 1000 & exec {ADAPTER} --fault crash@3'");
    let mut target = AdapterTarget::start(&command, options(LONG, LONG)).unwrap();
    let first = target.process_id().unwrap();
    let started = Instant::now();
    let report = run_on(&mut target);
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("the adapter exited (exit status: 3)")
            && errors[0].contains("crashing at seq 3"),
        "{}",
        errors[0]
    );
    assert_eq!(target.restarts(), 1);
    assert!(group_is_gone(first));
    target.stop();
}

#[test]
fn dropping_the_target_ends_the_whole_group() {
    let command = format!("sh -c 'sleep 1000 & sleep 1000 & exec {ADAPTER}'");
    let target = AdapterTarget::start(&command, options(LONG, LONG)).unwrap();
    let pgid = target.process_id().unwrap();
    drop(target);
    assert!(group_is_gone(pgid));
}

/// The test binary again, running only `test` under an `RLIMIT_DATA` of `limit`
/// bytes (heap, anonymous mappings and thread stacks count against it).
fn in_a_child_under_rlimit(test: &str, limit: u64, body: impl FnOnce()) {
    const CHILD: &str = "RPSCOPE_HOSTILE_UNDER_RLIMIT";
    if std::env::var_os(CHILD).is_some() {
        let rlimit = libc::rlimit {
            rlim_cur: limit,
            rlim_max: limit,
        };
        // SAFETY: setrlimit(2) reads the struct we own.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_DATA, &rlimit) }, 0);
        body();
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
}

/// 256 MiB: ample for the runner, far below what keeping a flood would take.
const MEMORY: u64 = 256 << 20;

#[test]
fn a_stderr_flood_without_newlines_keeps_memory_bounded() {
    in_a_child_under_rlimit(
        "a_stderr_flood_without_newlines_keeps_memory_bounded",
        MEMORY,
        || {
            // 1 GiB on stderr in one line at seq 3, then answers; a crash at seq 5
            // shows what was kept of it.
            let command = format!("{ADAPTER} --fault stderr-flood@3 --fault crash@5");
            let mut target = AdapterTarget::start(&command, options(LONG, LONG)).unwrap();
            let report = run_on(&mut target);
            let errors = errors(&report);
            assert_eq!(errors.len(), 1, "{errors:#?}");
            assert_eq!(passed(&report), report.total - 1);
            let message = errors[0];
            assert!(
                message.contains("the adapter exited (exit status: 3)"),
                "{message}"
            );
            assert!(message.contains("xxxx [… "), "{message}");
            assert!(
                message.ends_with("xxxxrpscope-reference-adapter: crashing at seq 5, as asked"),
                "{message}"
            );
            assert!(message.len() < 8 << 10, "{}", message.len());
            target.stop();
        },
    );
}

#[test]
fn a_stdout_line_flood_is_one_error_and_keeps_memory_bounded() {
    in_a_child_under_rlimit(
        "a_stdout_line_flood_is_one_error_and_keeps_memory_bounded",
        MEMORY,
        || {
            let command = format!("{ADAPTER} --fault stdout-flood@3");
            let mut target = AdapterTarget::start(&command, options(LONG, LONG)).unwrap();
            let report = run_on(&mut target);
            let errors = errors(&report);
            assert_eq!(errors.len(), 1, "{errors:#?}");
            assert!(
                errors[0].contains(&format!("an answer line over {MAX_LINE} bytes")),
                "{}",
                errors[0]
            );
            assert_eq!(passed(&report), report.total - 1);
            assert_eq!(target.restarts(), 1);
            target.stop();
        },
    );
}

/// Forwards to an adapter target and sets the interrupt flag after `after` answers.
struct InterruptAfter<'a> {
    inner: &'a mut AdapterTarget,
    flag: Arc<AtomicBool>,
    after: usize,
}

impl Target for InterruptAfter<'_> {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn verify_server(&mut self, case: &ServerCase, ceremony: Option<Ceremony>) -> Answer {
        let answer = self.inner.verify_server(case, ceremony);
        self.after = self.after.saturating_sub(1);
        if self.after == 0 {
            self.flag.store(true, Ordering::SeqCst);
        }
        answer
    }
    fn server_ceremonies(&self) -> Vec<Ceremony> {
        self.inner.server_ceremonies()
    }
    fn stopped(&self) -> Option<String> {
        self.inner.stopped()
    }
}

#[test]
fn an_interrupt_between_cases_ends_the_group_and_the_rest_are_errors() {
    // The adapter ignores SIGTERM, and a process it started lives in its group:
    // both must go (SIGKILL after the grace).
    let flag = Arc::new(AtomicBool::new(false));
    let command = format!("sh -c 'sleep 1000 & exec {ADAPTER} --fault ignore-sigterm'");
    let mut target = AdapterTarget::start(
        &command,
        Options {
            interrupt: Some(Arc::clone(&flag)),
            ..options(LONG, LONG)
        },
    )
    .unwrap();
    let pgid = target.process_id().unwrap();
    let report = run_on(&mut InterruptAfter {
        inner: &mut target,
        flag,
        after: 3,
    });
    assert_eq!(passed(&report), 3);
    let errors = errors(&report);
    assert_eq!(errors.len(), report.total - 3);
    assert!(
        errors.iter().all(|e| e.starts_with("interrupted")),
        "{errors:#?}"
    );
    assert!(report
        .stopped
        .as_deref()
        .unwrap()
        .starts_with("interrupted"));
    assert!(target.stopped().unwrap().starts_with("interrupted"));
    assert_eq!(target.process_id(), None);
    assert!(group_is_gone(pgid));
}

#[test]
fn an_interrupt_during_a_wait_ends_the_run_promptly() {
    let flag = Arc::new(AtomicBool::new(false));
    let command = format!("sh -c 'sleep 1000 & exec {ADAPTER} --fault hang@3'");
    let mut target = AdapterTarget::start(
        &command,
        Options {
            interrupt: Some(Arc::clone(&flag)),
            ..options(LONG, LONG)
        },
    )
    .unwrap();
    let pgid = target.process_id().unwrap();
    // Seq 3 hangs for an hour; the flag is set meanwhile (or, on a slow machine,
    // before it: the run must end the same way).
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        flag.store(true, Ordering::SeqCst);
    });
    let started = Instant::now();
    let report = run_on(&mut target);
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    setter.join().unwrap();
    let errors = errors(&report);
    assert!(passed(&report) <= 2);
    assert_eq!(errors.len(), report.total - passed(&report));
    assert!(
        errors.iter().all(|e| e.starts_with("interrupted")),
        "{errors:#?}"
    );
    assert!(report
        .stopped
        .as_deref()
        .unwrap()
        .starts_with("interrupted"));
    assert!(group_is_gone(pgid));
}

#[test]
fn an_interrupt_before_the_start_starts_nothing() {
    let flag = Arc::new(AtomicBool::new(true));
    let error = AdapterTarget::start(
        &format!("{ADAPTER} --fault crash@1"),
        Options {
            interrupt: Some(flag),
            ..options(LONG, LONG)
        },
    )
    .err()
    .unwrap();
    assert!(
        error.message.contains("interrupted") && error.message.contains("before the adapter"),
        "{error}"
    );
}

#[test]
fn sigterm_sets_the_interrupt_flag_and_names_itself() {
    let flag = interrupt_on_signals().unwrap();
    assert!(Arc::ptr_eq(&flag, &interrupt_on_signals().unwrap()));
    assert!(!flag.load(Ordering::SeqCst));
    // SAFETY: raise(3) delivers SIGTERM to this thread, whose handler only sets
    // atomics (and then resets itself to the default action).
    assert_eq!(unsafe { libc::raise(libc::SIGTERM) }, 0);
    assert!(flag.load(Ordering::SeqCst));
    assert_eq!(
        rpscope_adapter::process::interrupt_reason(),
        "interrupted (SIGTERM)"
    );
}
