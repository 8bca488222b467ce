//! `rpscope-reference-adapter`: rpscope's own verifier behind the adapter protocol
//! (`docs/protocol.md`), as a worked example and as the runner's own test subject.
//!
//! ```sh
//! rpscope conformance --target 'adapter:rpscope-reference-adapter'
//! ```
//!
//! `--fault KIND@SEQ` makes it misbehave at request `SEQ`, for testing runners:
//! `crash` (exit 3), `garbage` (a line that is not JSON), `hang` (no answer),
//! `wrong-seq`, `error` (an `error` answer), `reject-control` (reject the control
//! ceremony, `SEQ` 0), `protocol` (answer `start` with protocol 2, `SEQ` ignored),
//! `silent` (never answer `start`).

use rpscope_adapter::protocol::{
    Actual, Capabilities, CaseAnswer, CaseRequest, Ceremony, Command, Hello, Implementation,
    PolicyFeature, Side, PROTOCOL,
};
use rpscope_core::PublicSuffixList;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

struct Fault {
    kind: String,
    seq: u64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fault = match args.as_slice() {
        [] => None,
        [flag, spec] if flag == "--fault" => match spec.split_once('@') {
            Some((kind, seq)) => match seq.parse() {
                Ok(seq) => Some(Fault {
                    kind: kind.to_owned(),
                    seq,
                }),
                Err(_) => return usage(),
            },
            None => Some(Fault {
                kind: spec.clone(),
                seq: 0,
            }),
        },
        _ => return usage(),
    };
    let psl = PublicSuffixList::vendored();
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    let is = |kind: &str, seq: u64| {
        fault
            .as_ref()
            .is_some_and(|f| f.kind == kind && (f.seq == seq || kind == "protocol"))
    };
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
            Command::Start { .. } => serde_json::to_string(&hello(is("protocol", 0))),
            Command::Stop => return ExitCode::SUCCESS,
            Command::Run { seq, case } => {
                if is("crash", seq) {
                    eprintln!("rpscope-reference-adapter: crashing at seq {seq}, as asked");
                    return ExitCode::from(3);
                }
                if is("hang", seq) {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
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
    eprintln!("usage: rpscope-reference-adapter [--fault KIND@SEQ]");
    ExitCode::from(2)
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
