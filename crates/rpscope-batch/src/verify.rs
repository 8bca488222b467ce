//! `verify` lines: one policy and what a ceremony presents per JSON line, one verdict
//! line back. Compiled policies are cached by their JSON text.

use crate::jsonl::LineError;
use rpscope_core::server::{
    verify_or_refuse, CompiledPolicy, Policy, PolicyError, ServerRequest, ServerVerdict,
};
use rpscope_core::PslSnapshots;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// Decodes a hex rpIdHash.
pub fn decode_hash(hex_text: &str) -> Result<Vec<u8>, String> {
    hex::decode(hex_text.trim()).map_err(|e| format!("rp_id_hash is not hex: {e}"))
}

/// The JSON form of a verdict: one `--batch` output line, or `verify --json`.
#[derive(Serialize)]
pub struct VerdictLine<'a> {
    id: Option<&'a str>,
    verdict: &'static str,
    reason: &'static str,
    explanation: String,
}

impl<'a> VerdictLine<'a> {
    /// The line for a verdict, with the request's `id` when it had one.
    pub fn new(id: Option<&'a str>, v: &ServerVerdict<'_>) -> Self {
        VerdictLine {
            id,
            verdict: v.verdict().as_str(),
            reason: v.reason().code(),
            explanation: v.explanation().to_string(),
        }
    }
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
    let v = verify_or_refuse(cache.get(line.policy.get(), psl), &request);
    serde_json::to_writer(answer, &VerdictLine::new(line.id.as_deref(), &v))
        .map_err(|e| LineError(format!("could not write the verdict: {e}")))
}
