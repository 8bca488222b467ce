//! `rpscope-reference-adapter`: rpscope's own verifier behind the adapter protocol
//! (`docs/protocol.md`), as a worked example and as the runner's own test subject.
//!
//! ```sh
//! rpscope conformance --target 'adapter:rpscope-reference-adapter'
//! ```
//!
//! `--fault KIND@SEQ` (repeatable) makes it misbehave at request `SEQ`, for testing
//! runners:
//!
//! * `crash` (exit 3), `garbage` (a line that is not JSON), `hang` (no answer),
//!   `wrong-seq`, `error` (an `error` answer), `reject-control` (reject the control
//!   ceremony, `SEQ` 0);
//! * `close-stdout`: close stdout and live on (sleep, stdin unread);
//! * `stderr-flood`: write 1 GiB to stderr without a newline, then answer;
//! * `stdout-flood`: write to stdout without a newline, without end.
//!
//! and, with `SEQ` ignored: `protocol` (answer `start` with protocol 2), `silent`
//! (never answer `start`, read on), `hang-start` (sleep on `start`, reading nothing
//! more), `ignore-sigterm` (ignore SIGTERM from the start).

use rpscope_adapter::protocol::{
    Actual, Capabilities, CaseAnswer, CaseRequest, Ceremony, Command, Hello, Implementation,
    PolicyFeature, Side, PROTOCOL,
};
use rpscope_core::PublicSuffixList;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

struct Fault {
    kind: String,
    seq: u64,
}

/// The faults whose `SEQ` is ignored.
const WHENEVER: [&str; 4] = ["protocol", "silent", "hang-start", "ignore-sigterm"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut faults = Vec::new();
    for pair in args.chunks(2) {
        let [flag, spec] = pair else { return usage() };
        if flag != "--fault" {
            return usage();
        }
        let (kind, seq) = match spec.split_once('@') {
            Some((kind, seq)) => match seq.parse() {
                Ok(seq) => (kind, seq),
                Err(_) => return usage(),
            },
            None => (spec.as_str(), 0),
        };
        faults.push(Fault {
            kind: kind.to_owned(),
            seq,
        });
    }
    let is = |kind: &str, seq: u64| {
        faults
            .iter()
            .any(|f| f.kind == kind && (f.seq == seq || WHENEVER.contains(&kind)))
    };
    if is("ignore-sigterm", 0) {
        // SAFETY: signal(2) setting SIGTERM's disposition to ignore; no handler runs.
        unsafe {
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
        }
    }
    let psl = PublicSuffixList::vendored();
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let command: Command = match serde_json::from_str(&line) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("rpscope-reference-adapter: not a command ({e}): {line}");
                return ExitCode::from(2);
            }
        };
        let reply = match command {
            Command::Start { .. } if is("silent", 0) => continue,
            Command::Start { .. } if is("hang-start", 0) => {
                eprintln!("rpscope-reference-adapter: hanging in the handshake, as asked");
                sleep_for_ever()
            }
            Command::Start { .. } => serde_json::to_string(&hello(is("protocol", 0))),
            Command::Stop => return ExitCode::SUCCESS,
            Command::Run { seq, case } => {
                if is("crash", seq) {
                    eprintln!("rpscope-reference-adapter: crashing at seq {seq}, as asked");
                    return ExitCode::from(3);
                }
                if is("hang", seq) {
                    std::thread::sleep(Duration::from_secs(3600));
                }
                if is("close-stdout", seq) {
                    eprintln!("rpscope-reference-adapter: closing stdout at seq {seq}, as asked");
                    // SAFETY: close(2) on fd 1; nothing writes to stdout afterwards.
                    unsafe {
                        libc::close(1);
                    }
                    sleep_for_ever()
                }
                if is("stdout-flood", seq) {
                    let chunk = [b'x'; 1 << 16];
                    while out.write_all(&chunk).is_ok() {}
                    return ExitCode::from(2);
                }
                if is("stderr-flood", seq) {
                    let chunk = [b'x'; 1 << 16];
                    let mut err = io::stderr().lock();
                    for _ in 0..(1 << 14) {
                        if err.write_all(&chunk).is_err() {
                            return ExitCode::from(2);
                        }
                    }
                }
                if is("garbage", seq) {
                    let _ = writeln!(out, "this is not JSON");
                    let _ = out.flush();
                    continue;
                }
                let mut answer = answer(seq, &case, &psl);
                if is("wrong-seq", seq) {
                    answer.seq += 1000;
                }
                if is("error", seq) {
                    answer = CaseAnswer {
                        seq,
                        result: Actual::Error,
                        message: Some("an error, as asked".into()),
                        issue_url: None,
                    };
                }
                if is("reject-control", seq) && seq == 0 {
                    answer.result = Actual::Reject;
                    answer.message = Some("rejected, as asked".into());
                }
                serde_json::to_string(&answer)
            }
        };
        let written = reply
            .map_err(io::Error::other)
            .and_then(|text| writeln!(out, "{text}"))
            .and_then(|()| out.flush());
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: rpscope-reference-adapter [--fault KIND@SEQ]...");
    ExitCode::from(2)
}

fn sleep_for_ever() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn hello(wrong_protocol: bool) -> Hello {
    Hello {
        protocol: if wrong_protocol {
            PROTOCOL + 1
        } else {
            PROTOCOL
        },
        implementation: Implementation {
            name: "rpscope-reference".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            language: "rust".into(),
            homepage: None,
        },
        capabilities: Capabilities {
            sides: vec![Side::Server],
            ceremonies: vec![Ceremony::Registration, Ceremony::Authentication],
            policy_features: vec![
                PolicyFeature::MultipleRpIds,
                PolicyFeature::MultipleOrigins,
                PolicyFeature::SubdomainOrigins,
                PolicyFeature::AnyPortOrigins,
                PolicyFeature::AppOrigins,
                PolicyFeature::CrossOrigin,
                PolicyFeature::TopOrigins,
            ],
            client_profile: None,
            client_features: Vec::new(),
        },
    }
}

fn answer(seq: u64, case: &CaseRequest, psl: &PublicSuffixList) -> CaseAnswer {
    let (result, message) = match case {
        CaseRequest::Client(_) => (
            Actual::Skipped,
            Some("the reference adapter has no client side".into()),
        ),
        CaseRequest::Server(request) => match rpscope_adapter::reference::verify(request, psl) {
            Ok(()) => (Actual::Accept, None),
            Err(why) => (Actual::Reject, Some(why)),
        },
    };
    CaseAnswer {
        seq,
        result,
        message,
        issue_url: None,
    }
}
