//! `rpscope check`: the client-side verdict for one request or a JSON Lines batch.

use crate::{print_verdict, CliError, Exit};
use rpscope_batch::check::{handle_line_as, VerdictLine};
use rpscope_batch::jsonl;
use rpscope_core::client::{check, ClientRequest, WellKnownResponse};
use rpscope_core::{Profile, PslSnapshots};
use std::io;

pub use rpscope_batch::check::profile_named;

/// `rpscope check` for one request.
pub struct Single<'a> {
    /// The caller origin.
    pub origin: &'a str,
    /// The requested RP ID, if any.
    pub rp_id: Option<&'a str>,
    /// The profile to decide under.
    pub profile: Profile,
    /// The well-known response: status, content type, body.
    pub well_known: Option<(u16, &'a str, &'a [u8])>,
    /// The URLs the well-known fetch was redirected through.
    pub redirects: &'a [String],
    /// Print JSON instead of text.
    pub json: bool,
}

/// Decides one request and prints it; the exit code follows the verdict.
pub fn single(args: Single<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let request = ClientRequest {
        origin: args.origin,
        rp_id: args.rp_id,
        well_known: args
            .well_known
            .map(|(status, content_type, body)| WellKnownResponse {
                status,
                content_type,
                body,
                redirects: args.redirects,
            }),
    };
    let v = check(&request, &args.profile, psl.for_profile(&args.profile));
    let human = format!(
        "{} ({})\n{}\n  origin:  {}\n  rp id:   {}\n  profile: {}",
        v.verdict(),
        v.reason(),
        v.explanation(),
        args.origin,
        v.rp_id().unwrap_or("(none)"),
        args.profile
    );
    print_verdict(args.json, &VerdictLine::new(None, &args.profile, &v), human)?;
    Ok(Exit::from_verdict(v.verdict()))
}

/// `rpscope check --batch`: every line through [`handle_line_as`], under
/// `profile` unless a line names its own.
pub fn batch(
    input: Box<dyn io::BufRead>,
    profile: &Profile,
    psl: &PslSnapshots,
) -> Result<Exit, CliError> {
    let result = jsonl::run(input, io::stdout().lock(), |text, answer| {
        handle_line_as(text, profile, psl, answer)
    });
    batch_exit(result)
}

/// The exit of a batch run: the reader going away (EPIPE) ends it normally.
pub(crate) fn batch_exit(result: Result<jsonl::Tally, jsonl::Error>) -> Result<Exit, CliError> {
    match result {
        Ok(_) => Ok(Exit::Success),
        Err(jsonl::Error::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Exit::Success),
        Err(jsonl::Error::Write(e)) => Err(CliError::io("write the verdicts", e)),
        Err(jsonl::Error::Read(e)) => Err(CliError::io("read the batch input", e)),
        Err(e) => Err(CliError::new(e.to_string())),
    }
}
