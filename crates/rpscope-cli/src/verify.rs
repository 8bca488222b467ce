//! `rpscope verify`: the server-side verdict for one ceremony or a JSON Lines batch.

use crate::check::batch_exit;
use crate::{input, print_verdict, CliError, Exit};
use rpscope_batch::jsonl;
use rpscope_batch::verify::{handle_line, PolicyCache, VerdictLine};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify_or_refuse, Policy, ServerRequest};
use rpscope_core::PslSnapshots;
use serde::Deserialize;
use std::io;
use std::path::Path;

pub use rpscope_batch::verify::decode_hash;

/// Reads a policy file (TOML, at most [`input::POLICY`]), with the file name in
/// every error. A `[deployment]` table (what `rpscope lint` reads) is allowed and
/// ignored, so one file serves every command.
pub fn read_policy(path: &Path) -> Result<Policy, CliError> {
    let text = input::read_text(path, &input::POLICY)?;
    let not_a_policy = |e: &dyn std::fmt::Display| {
        CliError::new(format!("{} is not a policy: {e}", path.display()))
    };
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| not_a_policy(&e))?;
    if table.get("deployment").is_some_and(toml::Value::is_table) {
        table.remove("deployment");
    }
    Policy::deserialize(table).map_err(|e| not_a_policy(&e))
}

/// One ceremony to verify.
pub struct Single<'a> {
    /// clientDataJSON.origin.
    pub origin: &'a str,
    /// `--cross-origin` given.
    pub cross_origin: bool,
    /// clientDataJSON.topOrigin.
    pub top_origin: Option<&'a str>,
    /// rpIdHash bytes.
    pub rp_id_hash: Option<Vec<u8>>,
    /// Print JSON.
    pub json: bool,
}

/// `rpscope verify --policy FILE --origin O …`.
pub fn single(policy: &Policy, args: Single<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let request = ServerRequest {
        origin: args.origin,
        cross_origin: args.cross_origin.then_some(true),
        top_origin: args.top_origin,
        rp_id_hash: args.rp_id_hash.as_deref(),
    };
    let compiled = policy.compile(psl.current());
    let v = verify_or_refuse(&compiled, &request);
    let human = format!("{} ({})\n{}", v.verdict(), v.reason(), v.explanation());
    print_verdict(args.json, &VerdictLine::new(None, &v), human)?;
    Ok(Exit::from_verdict(v.verdict()))
}

/// `rpscope verify --batch [--policy FILE]`: lines without a `policy` use `default`.
pub fn batch(
    lines: Box<dyn io::BufRead>,
    default: Option<&Policy>,
    psl: &PslSnapshots,
) -> Result<Exit, CliError> {
    let mut cache = match default {
        Some(policy) => PolicyCache::with_default(policy, psl),
        None => PolicyCache::default(),
    };
    batch_exit(jsonl::run(lines, io::stdout().lock(), |text, answer| {
        handle_line(text, psl, &mut cache, answer)
    }))
}
