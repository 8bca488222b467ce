//! Known divergences: cases an implementation knowingly decides otherwise.
//!
//! A JSON object keyed by case id (the format implementers keep next to their
//! code, as webpki keeps its x509-limbo exceptions):
//!
//! ```json
//! { "dots::caller-trailing-dot": { "expected": "reject", "actual": "accept",
//!   "reason": "we strip trailing dots before matching", "profile": "spec" } }
//! ```
//!
//! `profile` is optional (absent: every profile). An entry that no longer fails
//! is an unexpected pass, and an entry whose id is not in the corpus is stale;
//! both fail the run, so the file cannot rot silently.

use rpscope_model::{Actual, Outcome, RunAs};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Divergence {
    /// What the corpus expects (kept so a reader sees both sides).
    pub expected: Outcome,
    /// What the implementation does: `accept`, `reject`, `skipped` or `error`.
    pub actual: Actual,
    /// Why it differs.
    pub reason: String,
    /// The profile it applies to; every profile when absent.
    #[serde(default)]
    pub profile: Option<RunAs>,
}

/// The known-divergence file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct KnownDivergences(BTreeMap<String, Divergence>);

impl KnownDivergences {
    /// No known divergences.
    pub fn none() -> Self {
        KnownDivergences::default()
    }

    /// Parses the JSON file.
    pub fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("not a known-divergence file: {e}"))
    }

    /// The entry for a case under a profile.
    pub fn lookup(&self, id: &str, profile: RunAs) -> Option<&Divergence> {
        self.0
            .get(id)
            .filter(|d| d.profile.is_none_or(|p| p == profile))
    }

    /// Entries whose id is not among `ids`.
    pub fn stale<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
        let ids: std::collections::BTreeSet<&str> = ids.collect();
        self.0
            .keys()
            .filter(|k| !ids.contains(k.as_str()))
            .cloned()
            .collect()
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
