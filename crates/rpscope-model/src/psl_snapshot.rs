//! What `data/psl/snapshots.toml` records: each browser's copy of the Public Suffix
//! List as the vendored list plus an exact, measured difference.
//!
//! `rpscope browser --psl-snapshot` writes it; `rpscope_core::psl` embeds and reads it.
//! Every rule carries the PSL commit and date that added it (for a rule the browser
//! lacks) or removed it (for a rule the browser still has), so an explanation can say
//! "Chromium 156's list has no rule `x.y`, added to the PSL on DATE".

use crate::PslSnapshotId;
use serde::{Deserialize, Serialize};

/// The whole file: one entry per measured snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PslSnapshotFile {
    /// The measured snapshots.
    #[serde(default, rename = "snapshot")]
    pub snapshots: Vec<PslSnapshotRecord>,
}

/// One browser's list, as measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PslSnapshotRecord {
    /// Which snapshot this is.
    pub id: PslSnapshotId,
    /// The browser and version measured, e.g. `chromium 156.0.8078.129`.
    pub browser: String,
    /// The newest PSL commit the browser's list was found to include.
    pub psl_commit: String,
    /// That commit's date (`YYYY-MM-DD`).
    pub psl_commit_date: String,
    /// The oldest later commit the browser was found not to include, when one was probed
    /// (the browser's list was cut between the two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_missing_commit: Option<String>,
    /// How the snapshot was determined (the command, the probe).
    pub method: String,
    /// When it was measured (`YYYY-MM-DD`).
    pub measured: String,
    /// The probes run (bisect and exact diff together).
    pub probes: usize,
    /// Rules changed after `psl_commit` that no page can observe (single-label rules,
    /// which the implicit `*` rule makes public suffixes either way, and rules another
    /// rule makes redundant), as written in the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unobservable: Vec<String>,
    /// Rules of the vendored list the browser's list does not have.
    #[serde(default)]
    pub lacks: Vec<RuleChange>,
    /// Rules the browser's list has that the vendored list does not.
    #[serde(default)]
    pub extra: Vec<RuleChange>,
}

/// One rule of a snapshot's difference, with the PSL commit that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    /// The rule exactly as the list writes it (`x.y`, `*.x.y`, `!w.x.y`).
    pub rule: String,
    /// `icann` or `private`.
    pub section: String,
    /// The PSL commit that added the rule (for `lacks`) or removed it (for `extra`);
    /// `None` when the available history does not reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The date of that change (`YYYY-MM-DD`), or the range it is known to fall in.
    pub date: String,
}

impl PslSnapshotFile {
    /// The record of one snapshot.
    pub fn get(&self, id: PslSnapshotId) -> Option<&PslSnapshotRecord> {
        self.snapshots.iter().find(|s| s.id == id)
    }
}
