//! `verify` lines: one policy and what a ceremony presents per JSON line, one verdict
//! line back. Compiled policies are cached by their JSON text.

use crate::jsonl::LineError;
use rpscope_core::server::Compile as _;
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
    #[serde(default, borrow)]
    policy: Option<&'a RawValue>,
    #[serde(borrow)]
    origin: Cow<'a, str>,
    #[serde(default)]
    cross_origin: Option<bool>,
    #[serde(default, borrow)]
    top_origin: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    rp_id_hash: Option<Cow<'a, str>>,
}

/// Compiled policies by their JSON text: batches usually repeat one policy. It
/// may hold a default policy for lines that carry none (`verify --batch --policy FILE`).
#[derive(Default)]
pub struct PolicyCache {
    compiled: HashMap<String, Result<CompiledPolicy, PolicyError>>,
    default: Option<Result<CompiledPolicy, PolicyError>>,
}

impl PolicyCache {
    const CAPACITY: usize = 256;

    /// A cache whose default policy (for lines without `policy`) is `policy`,
    /// compiled once. An invalid default is kept: lines that use it are rejected
    /// with `invalid-policy`, as `verify --policy` rejects them.
    pub fn with_default(policy: &Policy, psl: &PslSnapshots) -> Self {
        PolicyCache {
            compiled: HashMap::new(),
            default: Some(policy.compile(psl.current())),
        }
    }

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
    let policy = match line.policy {
        Some(raw) => cache.get(raw.get(), psl),
        None => cache.default.as_ref().ok_or_else(|| {
            LineError("the line has no `policy` (give one, or a default with --policy FILE)".into())
        })?,
    };
    let v = verify_or_refuse(policy, &request);
    serde_json::to_writer(answer, &VerdictLine::new(line.id.as_deref(), &v))
        .map_err(|e| LineError(format!("could not write the verdict: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, cache: &mut PolicyCache) -> Result<serde_json::Value, String> {
        let psl = PslSnapshots::builtin();
        let mut out = Vec::new();
        handle_line(text, &psl, cache, &mut out).map_err(|e| e.0)?;
        Ok(serde_json::from_slice(&out).unwrap())
    }

    fn policy(origins: &[&str]) -> Policy {
        Policy {
            rp_ids: vec!["example.com".into()],
            origins: origins.iter().map(|s| s.to_string()).collect(),
            ..Policy::default()
        }
    }

    #[test]
    fn a_line_without_policy_uses_the_default_and_its_own_policy_wins() {
        let psl = PslSnapshots::builtin();
        let mut cache = PolicyCache::with_default(&policy(&["https://example.com"]), &psl);
        let v = line(r#"{"id":"a","origin":"https://example.com"}"#, &mut cache).unwrap();
        assert_eq!(
            (&v["id"], &v["reason"]),
            (&"a".into(), &"origin-match".into())
        );
        let v = line(r#"{"origin":"https://other.example.com"}"#, &mut cache).unwrap();
        assert_eq!(v["reason"], "origin-not-allowed");
        let own = r#"{"origin":"https://other.example.com","policy":{"rp_ids":["example.com"],"origins":["https://other.example.com"]}}"#;
        assert_eq!(line(own, &mut cache).unwrap()["reason"], "origin-match");
    }

    #[test]
    fn without_a_default_a_line_needs_a_policy() {
        let err = line(
            r#"{"origin":"https://example.com"}"#,
            &mut PolicyCache::default(),
        )
        .unwrap_err();
        assert!(
            err.contains("no `policy`") && err.contains("--policy"),
            "{err}"
        );
    }

    #[test]
    fn an_invalid_default_rejects_with_invalid_policy() {
        let psl = PslSnapshots::builtin();
        let mut cache = PolicyCache::with_default(&policy(&["https://*.com"]), &psl);
        let v = line(r#"{"origin":"https://example.com"}"#, &mut cache).unwrap();
        assert_eq!(
            (&v["verdict"], &v["reason"]),
            (&"reject".into(), &"invalid-policy".into())
        );
    }
}
