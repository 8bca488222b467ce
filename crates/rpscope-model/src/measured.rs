//! Verdicts measured in real browsers, kept apart from the reviewed cases.
//!
//! `corpus/measured/<browser>.toml` holds one [`MeasurementFile`] per browser, keyed by
//! case id; each entry records the browser version and the PSL snapshot the browser's
//! profile decided with when it was measured. The reviewed expectation stays in the
//! case; a measurement is data a run is checked against.

use crate::profile::{Browser, PslSnapshotId};
use crate::reason::Verdict;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One browser's decision on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// The browser version the outcome was recorded with, e.g. `156.0.8078.79`.
    pub version: String,
    /// The PSL snapshot the browser's profile decided with at the time.
    pub psl: PslSnapshotId,
    /// What the browser decided: `create()` succeeded (accept) or was refused (reject).
    pub outcome: Verdict,
    /// The error the browser refused with (a `DOMException` name such as `SecurityError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Every measurement of one browser (`corpus/measured/<browser>.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementFile {
    /// The browser measured.
    pub browser: Browser,
    /// Case id → what the browser decided.
    #[serde(default)]
    pub cases: BTreeMap<String, Measurement>,
}

impl MeasurementFile {
    /// An empty file for `browser`.
    pub fn new(browser: Browser) -> Self {
        MeasurementFile {
            browser,
            cases: BTreeMap::new(),
        }
    }
}
