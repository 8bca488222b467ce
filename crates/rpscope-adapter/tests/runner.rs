//! The runner's guarantees (docs/protocol.md), tested against the reference
//! adapter, with and without the faults it can be told to commit.

use rpscope_adapter::{AdapterTarget, Options};
use rpscope_corpus::{run, Corpus, KnownDivergences, Report, Selection, Side, Status, Target};
use std::time::Duration;

const ADAPTER: &str = env!("CARGO_BIN_EXE_rpscope-reference-adapter");

fn options() -> Options {
    Options {
        case_timeout: Duration::from_secs(10),
        start_timeout: Duration::from_secs(10),
        interrupt: None,
    }
}

fn run_with(command: &str, options: Options, filter: &str) -> (Report, AdapterTarget) {
    let corpus = Corpus::embedded().unwrap();
    let mut target = AdapterTarget::start(command, options).unwrap();
    let selection = Selection {
        filter: Some(filter),
        side: Some(Side::Server),
        ..Selection::default()
    };
    let report = run(&corpus, &mut target, &selection, &KnownDivergences::none());
    (report, target)
}

fn count(report: &Report, status: Status) -> usize {
    report.results.iter().filter(|r| r.status == status).count()
}

#[test]
fn the_reference_adapter_conforms_on_every_server_case() {
    let (report, target) = run_with(ADAPTER, options(), "server-");
    let failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status.fails_run())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // Every case once per ceremony; only the malformed-length hashes are skipped.
    let cases = Corpus::embedded().unwrap().server_cases().count();
    assert_eq!(report.total, 2 * cases);
    assert_eq!(report.skipped, 6);
    assert!(report
        .results
        .iter()
        .any(|r| r.profile.as_str() == "registration"));
    assert!(report
        .results
        .iter()
        .any(|r| r.profile.as_str() == "authentication"));
    assert_eq!(target.restarts(), 0);
    assert_eq!(target.name(), "rpscope-reference 0.1.0");
    target.stop();
}

/// One faulty exchange costs exactly one `error` result; every other case still runs.
fn one_error(fault: &str, options: Options, says: &str) -> AdapterTarget {
    let (report, target) = run_with(
        &format!("{ADAPTER} --fault {fault}"),
        options,
        "server-exact::",
    );
    let errors: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{fault}: {errors:#?}");
    let message = errors[0].explanation.as_deref().unwrap_or_default();
    assert!(message.contains(says), "{fault}: {message}");
    assert_eq!(count(&report, Status::Pass), report.total - 1, "{fault}");
    target
}

#[test]
fn a_crash_is_one_error_with_stderr_and_a_restart() {
    let target = one_error("crash@3", options(), "crashing at seq 3");
    assert_eq!(target.restarts(), 1);
}

#[test]
fn garbage_is_one_error_and_a_restart() {
    let target = one_error("garbage@3", options(), "not an answer");
    assert_eq!(target.restarts(), 1);
}

#[test]
fn a_wrong_seq_is_one_error_and_a_restart() {
    let target = one_error("wrong-seq@3", options(), "answered seq 1003 to seq 3");
    assert_eq!(target.restarts(), 1);
}

#[test]
fn a_hang_times_out_and_the_adapter_is_restarted() {
    let fast = Options {
        case_timeout: Duration::from_millis(500),
        ..options()
    };
    let target = one_error("hang@3", fast, "no answer within 0.5 s");
    assert_eq!(target.restarts(), 1);
}

#[test]
fn an_error_answer_is_an_error_without_a_restart() {
    let target = one_error("error@3", options(), "an error, as asked");
    assert_eq!(target.restarts(), 0);
}

#[test]
fn a_rejected_control_ceremony_makes_every_case_an_error() {
    let (report, target) = run_with(
        &format!("{ADAPTER} --fault reject-control@0"),
        options(),
        "server-exact::",
    );
    assert!(target
        .control_failure()
        .unwrap()
        .contains("rejected, as asked"));
    assert_eq!(count(&report, Status::Error), report.total);
    assert!(!report.conforms());
}

#[test]
fn after_three_failed_starts_the_rest_are_errors_without_more_attempts() {
    let dir = std::env::temp_dir().join(format!("rpscope-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("started-once");
    let _ = std::fs::remove_file(&marker);
    // Starts once, crashes at seq 2, and then never starts again.
    let command = format!(
        "if [ -e '{m}' ]; then echo 'cannot start twice' >&2; exit 1; fi; touch '{m}'; exec {ADAPTER} --fault crash@2",
        m = marker.display()
    );
    let (report, target) = run_with(&command, options(), "server-exact::");
    let errors: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Error)
        .filter_map(|r| r.explanation.as_deref())
        .collect();
    assert_eq!(count(&report, Status::Pass), 1);
    assert_eq!(errors.len(), report.total - 1);
    assert!(errors[0].contains("crashing at seq 2"), "{}", errors[0]);
    assert!(errors[1].contains("cannot start twice"), "{}", errors[1]);
    assert!(errors.last().unwrap().contains("not started again after 3"));
    assert_eq!(target.restarts(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn adapters_that_cannot_start_are_start_errors() {
    let protocol = AdapterTarget::start(&format!("{ADAPTER} --fault protocol"), options())
        .err()
        .unwrap();
    assert!(protocol.message.contains("speaks protocol 2"), "{protocol}");
    let silent = AdapterTarget::start(
        &format!("{ADAPTER} --fault silent"),
        Options {
            start_timeout: Duration::from_millis(300),
            ..options()
        },
    )
    .err()
    .unwrap();
    assert!(
        silent
            .message
            .contains("no answer to the `start` handshake within 0.3 s"),
        "{silent}"
    );
    let missing = AdapterTarget::start("/nonexistent/rpscope-adapter", options())
        .err()
        .unwrap();
    assert!(missing.message.contains("not found"), "{missing}");
    let chatty = AdapterTarget::start("echo hello; cat", options())
        .err()
        .unwrap();
    assert!(
        chatty.message.contains("`hello` is not a handshake answer"),
        "{chatty}"
    );
    let gone = AdapterTarget::start("echo bye >&2; exit 4", options())
        .err()
        .unwrap();
    assert!(gone.message.contains("exit status: 4"), "{gone}");
    assert!(gone.message.contains("bye"), "{gone}");
}
