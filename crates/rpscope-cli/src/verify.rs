//! `rpscope verify`: the server-side verdict for one ceremony or a JSON Lines batch.

use crate::jsonl::{self, LineError};
use crate::{print_verdict, CliError, Exit};
use rpscope_core::server::{
    verify, CompiledPolicy, Policy, PolicyError, ServerRequest, ServerVerdict,
};
use rpscope_core::PslSnapshots;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// Reads a policy file (TOML), with the file name in every error. A
/// `[deployment]` table (what `rpscope lint` reads) is allowed and ignored, so one
/// file serves every command.
pub fn read_policy(path: &Path) -> Result<Policy, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
    let not_a_policy = |e: &dyn std::fmt::Display| {
        CliError::new(format!("{} is not a policy: {e}", path.display()))
    };
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| not_a_policy(&e))?;
    if table.get("deployment").is_some_and(toml::Value::is_table) {
        table.remove("deployment");
    }
    Policy::deserialize(table).map_err(|e| not_a_policy(&e))
}

/// Decodes a hex rpIdHash.
pub fn decode_hash(hex_text: &str) -> Result<Vec<u8>, String> {
    hex::decode(hex_text.trim()).map_err(|e| format!("rp_id_hash is not hex: {e}"))
}

#[derive(Serialize)]
struct VerdictLine<'a> {
    id: Option<&'a str>,
    verdict: &'static str,
    reason: &'static str,
    explanation: String,
}

impl<'a> VerdictLine<'a> {
    fn new(id: Option<&'a str>, v: &ServerVerdict<'_>) -> Self {
        VerdictLine {
            id,
            verdict: v.verdict().as_str(),
            reason: v.reason().code(),
            explanation: v.explanation().to_string(),
        }
    }
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
    let v = match &compiled {
        Ok(p) => verify(p, &request),
        Err(e) => ServerVerdict::invalid_policy(&request, e),
    };
    let human = format!("{} ({})\n{}", v.verdict(), v.reason(), v.explanation());
    print_verdict(args.json, &VerdictLine::new(None, &v), human)?;
    Ok(Exit::from_verdict(v.verdict()))
}

/// One `--batch` input line. Unknown keys are ignored.
#[derive(Deserialize)]
struct VerifyLine<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    policy: &'a RawValue,
    #[serde(borrow)]
    origin: Cow<'a, str>,
    #[serde(default)]
    cross_origin: Option<bool>,
    #[serde(default, borrow)]
    top_origin: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    rp_id_hash: Option<Cow<'a, str>>,
}

/// Compiled policies by their JSON text: batches usually repeat one policy.
#[derive(Default)]
pub struct PolicyCache {
    compiled: HashMap<String, Result<CompiledPolicy, PolicyError>>,
}

impl PolicyCache {
    const CAPACITY: usize = 256;

    fn get(&mut self, raw: &str, psl: &PslSnapshots) -> &Result<CompiledPolicy, PolicyError> {
        if !self.compiled.contains_key(raw) {
            if self.compiled.len() >= Self::CAPACITY {
                self.compiled.clear();
            }
            let compiled = serde_json::from_str::<Policy>(raw)
                .map_err(|e| PolicyError {
                    problems: vec![format!("the policy does not parse: {e}")],
                })
                .and_then(|p| p.compile(psl.current()));
            self.compiled.insert(raw.to_owned(), compiled);
        }
        &self.compiled[raw]
    }
}

/// `rpscope verify --batch`.
pub fn batch(input: Box<dyn io::BufRead>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let mut cache = PolicyCache::default();
    jsonl::run(input, io::stdout().lock(), |text, answer| {
        handle_line(text, psl, &mut cache, answer)
    })
    .map_err(|e| CliError::io("run the batch", e))?;
    Ok(Exit::Success)
}

/// Verifies one batch line and writes its verdict line (without newline).
pub fn handle_line(
    text: &str,
    psl: &PslSnapshots,
    cache: &mut PolicyCache,
    answer: &mut Vec<u8>,
) -> Result<(), LineError> {
    let line: VerifyLine<'_> =
        serde_json::from_str(text).map_err(|e| LineError(format!("not a verify request: {e}")))?;
    let hash = match line.rp_id_hash.as_deref() {
        Some(h) => Some(decode_hash(h).map_err(LineError)?),
        None => None,
    };
    let request = ServerRequest {
        origin: &line.origin,
        cross_origin: line.cross_origin,
        top_origin: line.top_origin.as_deref(),
        rp_id_hash: hash.as_deref(),
    };
    let v = match cache.get(line.policy.get(), psl) {
        Ok(p) => verify(p, &request),
        Err(e) => ServerVerdict::invalid_policy(&request, e),
    };
    serde_json::to_writer(answer, &VerdictLine::new(line.id.as_deref(), &v))
        .map_err(|e| LineError(format!("could not write the verdict: {e}")))
}
