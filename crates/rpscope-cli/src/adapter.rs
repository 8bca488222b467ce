//! `rpscope adapter`: what adapter authors work with: the requests the runner
//! sends, and the protocol's schemas.

use crate::conformance::{derived_corpus, load_corpus};
use crate::{write_stdout, CliError, Exit};
use rpscope_adapter::protocol::{schemas, CaseRequest, Ceremony, Command, PROTOCOL};
use rpscope_adapter::request::{client_request, control_case, server_request};
use rpscope_core::PslSnapshots;
use std::io::Write;
use std::path::Path;

/// What `rpscope adapter requests` prints.
pub struct RequestsArgs<'a> {
    /// A corpus directory instead of the embedded corpus.
    pub corpus: Option<&'a Path>,
    /// Derive the cases from this policy file.
    pub policy: Option<&'a Path>,
    /// Only ids containing this.
    pub filter: Option<&'a str>,
    /// The ceremonies to build.
    pub ceremonies: Vec<Ceremony>,
    /// Include the client-side cases.
    pub client: bool,
}

/// Prints the whole conversation the runner would start: `start`, the control
/// ceremonies, every selected case, `stop`. Cases that cannot be sent (a
/// malformed rpIdHash) are reported on stderr, not silently dropped.
pub fn requests(args: RequestsArgs<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let corpus = match args.policy {
        Some(path) => derived_corpus(path, psl)?,
        None => load_corpus(args.corpus)?,
    };
    let selected = |id: &str| args.filter.is_none_or(|f| id.contains(f));
    let mut lines = vec![Command::Start { protocol: PROTOCOL }];
    let control = control_case();
    for &kind in &args.ceremonies {
        let request = server_request(&control, kind).map_err(CliError::new)?;
        lines.push(Command::Run {
            seq: 0,
            case: Box::new(CaseRequest::Server(request)),
        });
    }
    let mut seq = 0;
    let mut next = || {
        seq += 1;
        seq
    };
    for (_, case) in corpus.server_cases().filter(|(_, c)| selected(&c.id)) {
        for &kind in &args.ceremonies {
            match server_request(case, kind) {
                Ok(request) => lines.push(Command::Run {
                    seq: next(),
                    case: Box::new(CaseRequest::Server(request)),
                }),
                Err(why) => {
                    let _ = writeln!(std::io::stderr(), "rpscope: {} is not sent: {why}", case.id);
                    break; // the same reason holds for every ceremony
                }
            }
        }
    }
    if args.client {
        for (_, case) in corpus.client_cases().filter(|(_, c)| selected(&c.id)) {
            lines.push(Command::Run {
                seq: next(),
                case: Box::new(CaseRequest::Client(client_request(case))),
            });
        }
    }
    lines.push(Command::Stop);
    // The reader stopping early (`| head`) is not an error.
    write_stdout("write the requests", |out| {
        for line in &lines {
            serde_json::to_writer(&mut *out, line)?;
            writeln!(out)?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

/// `rpscope adapter schema`: print the protocol schemas, or write them into a directory.
pub fn schema(write_to: Option<&Path>) -> Result<Exit, CliError> {
    crate::print_or_write(&schemas(), write_to)
}
