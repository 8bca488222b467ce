//! `rpscope check`: the client-side verdict for one request or a JSON Lines batch.

use crate::input::{self, Size};
use crate::{print_verdict, CliError, Exit};
use rpscope_batch::check::{handle_line_as, VerdictLine};
use rpscope_batch::jsonl;
use rpscope_core::client::{
    check, snapshot_note, snapshot_notes, ClientRequest, WellKnownResponse,
};
use rpscope_core::{Profile, PslSnapshots};
use std::io;
use std::path::Path;

pub use rpscope_batch::check::profile_named;

/// A `--well-known` body as the profile's client reads it.
#[derive(Debug)]
pub struct WellKnownBody {
    /// The bytes read.
    pub bytes: Vec<u8>,
    /// Set when the reading stopped at the profile's body cap (plus one byte):
    /// what to tell the user about the bytes not read.
    pub note: Option<String>,
}

/// Reads `--well-known FILE` as `profile`'s client would: under a profile with a
/// body cap (Chromium: 256 KiB) the cap and one more byte, which is all the
/// client needs to refuse the body, so an over-cap file of any size is judged
/// `related-origins-too-large`; otherwise the whole file, up to
/// [`input::WELL_KNOWN`].
pub fn read_well_known(path: &Path, profile: &Profile) -> Result<WellKnownBody, CliError> {
    let Some(cap) = profile.related_origins.max_body_bytes else {
        return Ok(WellKnownBody {
            bytes: input::read_bytes(path, &input::WELL_KNOWN)?,
            note: None,
        });
    };
    let cap = u64::try_from(cap).unwrap_or(u64::MAX);
    let limit = cap.saturating_add(1).min(input::WELL_KNOWN.max_bytes);
    let prefix = input::read_prefix(path, limit)?;
    if !prefix.truncated {
        return Ok(WellKnownBody {
            bytes: prefix.bytes,
            note: None,
        });
    }
    if limit <= cap {
        // A cap above rpscope's own: the file is too large to judge.
        return Err(CliError::new(format!(
            "{} is larger than {}, the limit for {}",
            path.display(),
            Size(input::WELL_KNOWN.max_bytes),
            input::WELL_KNOWN.what
        )));
    }
    let size = match prefix.size {
        Some(size) => format!("a {size}-byte file"),
        None => "which goes on".into(),
    };
    Ok(WellKnownBody {
        note: Some(format!(
            "the {profile} profile stops reading a body after {} ({cap} bytes): rpscope read the first {} bytes of {}, {size}",
            Size(cap),
            prefix.bytes.len(),
            path.display()
        )),
        bytes: prefix.bytes,
    })
}

/// `rpscope check` for one request.
pub struct Single<'a> {
    /// The caller origin.
    pub origin: &'a str,
    /// The requested RP ID, if any.
    pub rp_id: Option<&'a str>,
    /// The profile to decide under.
    pub profile: Profile,
    /// The well-known response: status, content type, body.
    pub well_known: Option<(u16, &'a str, &'a WellKnownBody)>,
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
                body: &body.bytes,
                redirects: args.redirects,
            }),
    };
    let v = check(&request, &args.profile, psl.for_profile(&args.profile));
    let own = snapshot_note(&request, &args.profile, &v, psl);
    let explanation = match &own {
        Some(note) => format!("{} ({note})", v.explanation()),
        None => v.explanation().to_string(),
    };
    // Other profiles whose browser's list decides this request differently from the
    // current list: a warning, since the answer depends on which browser runs the page.
    for note in snapshot_notes(&request, Profile::ALL, psl) {
        if note.profile != args.profile.id {
            eprintln!("warning: {note} (rpscope check --profile {})", note.profile);
        }
    }
    let mut human = format!(
        "{} ({})\n{}\n  origin:  {}\n  rp id:   {}\n  profile: {}",
        v.verdict(),
        v.reason(),
        explanation,
        args.origin,
        v.rp_id().unwrap_or("(none)"),
        args.profile
    );
    if let Some(note) = args.well_known.and_then(|(_, _, b)| b.note.as_deref()) {
        human.push_str("\n  note:    ");
        human.push_str(note);
    }
    let line = VerdictLine::new(None, &args.profile, &v)
        .with_note(own.as_ref().map(|n| n as &dyn std::fmt::Display));
    print_verdict(args.json, &line, human)?;
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
