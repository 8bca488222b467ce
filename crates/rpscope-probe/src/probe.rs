//! A probe of one RP ID: its well-known documents fetched once per distinct fetch
//! behaviour, every origin decided under every profile, and the label tables.

use crate::fetch::{FetchRecord, FetchRules, Fetcher, Redirects};
use crate::mobile::{read_aasa, read_assetlinks, PolicyRef, Reading};
use rpscope_core::client::labels::{label_table, EntryFate, LabelTable};
use rpscope_core::client::{check, ClientRequest, RpId};
use rpscope_core::mobile::MobileFile;
use rpscope_core::{Profile, ProfileId, PslSnapshots, Reason, Verdict};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The path of the related-origins document (WebAuthn L3 §5.11.1).
pub const WEBAUTHN_PATH: &str = "/.well-known/webauthn";
/// The path of the Digital Asset Links statement list Android reads
/// (<https://developers.google.com/digital-asset-links/v1/getting-started>).
pub const ASSETLINKS_PATH: &str = "/.well-known/assetlinks.json";
/// The path of the apple-app-site-association file iOS reads
/// (<https://developer.apple.com/documentation/xcode/supporting-associated-domains>).
pub const AASA_PATH: &str = "/.well-known/apple-app-site-association";

/// The fetch of `assetlinks.json`: Google's Digital Asset Links hosting rules
/// count a 301/302 redirect as a failure and ask for a 200 with a JSON content type
/// (Android Credential Manager, "Prerequisites",
/// <https://developer.android.com/identity/credential-manager/prerequisites>), so
/// the first redirect is recorded and not followed. No size cap is documented:
/// the reader's own bound (1 MiB, [`MobileFile::max_bytes`]) is read and one byte.
pub const ASSETLINKS_RULES: FetchRules = FetchRules {
    redirects: Redirects::NotFollowed,
    max_body_bytes: Some(MobileFile::AssetLinks.max_bytes()),
};

/// The fetch of `apple-app-site-association`: served over https without
/// redirects, at most 128 KB uncompressed (Apple, "Supporting associated
/// domains",
/// <https://developer.apple.com/documentation/xcode/supporting-associated-domains>).
pub const AASA_RULES: FetchRules = FetchRules {
    redirects: Redirects::NotFollowed,
    max_body_bytes: Some(MobileFile::Aasa.max_bytes()),
};

/// What to probe.
#[derive(Debug, Clone)]
pub struct ProbeRequest<'a> {
    /// The RP ID, as the RP passes it to `navigator.credentials`.
    pub rp_id: &'a str,
    /// The caller origins to decide.
    pub origins: &'a [String],
    /// The profiles to decide under, in this order.
    pub profiles: &'a [ProfileId],
    /// Also fetch `assetlinks.json`.
    pub android: bool,
    /// Also fetch `apple-app-site-association`.
    pub ios: bool,
    /// The policy the association files are compared with (`None`: each file is
    /// read on its own).
    pub policy: Option<PolicyRef<'a>>,
}

/// Why a probe could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// The RP ID is no domain a browser would fetch from (w3c/webauthn#2422: a
    /// malformed RP ID must never be fetched).
    BadRpId(String),
    /// No profile was requested.
    NoProfile,
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeError::BadRpId(m) => f.write_str(m),
            ProbeError::NoProfile => f.write_str("no profile to decide under"),
        }
    }
}

impl std::error::Error for ProbeError {}

/// The whole result, as `rpscope probe --json` prints it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProbeReport {
    /// The RP ID's canonical form (the host fetched from).
    pub rp_id: String,
    /// One fetch of `/.well-known/webauthn` per distinct fetch behaviour.
    pub fetches: Vec<FetchGroup>,
    /// Each origin's verdict under each profile.
    pub origins: Vec<OriginVerdicts>,
    /// The label table of the document, per group of profiles that read it alike.
    pub labels: Vec<LabelGroup>,
    /// The `assetlinks.json` fetch (with `--android`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub android: Option<AssociationFile>,
    /// The `apple-app-site-association` fetch (with `--ios`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ios: Option<AssociationFile>,
}

impl ProbeReport {
    /// Whether a document could not be fetched at all (a network failure).
    pub fn network_failure(&self) -> bool {
        self.fetches.iter().any(|f| f.record.error.is_some())
            || [&self.android, &self.ios]
                .into_iter()
                .flatten()
                .any(|a| a.record.error.is_some())
    }

    /// Whether an association file that was fetched has an error-severity
    /// finding (a platform refuses the file, or the policy refuses its apps).
    pub fn association_errors(&self) -> bool {
        [&self.android, &self.ios]
            .into_iter()
            .flatten()
            .any(|a| a.reading.has_error())
    }

    /// Whether every origin is accepted under every profile.
    pub fn all_accepted(&self) -> bool {
        self.origins
            .iter()
            .all(|o| o.verdicts.values().all(|v| v.verdict == Verdict::Accept))
    }
}

/// A fetch of `/.well-known/webauthn`, shared by the profiles that fetch alike.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FetchGroup {
    /// The profiles whose browsers make this fetch.
    pub profiles: Vec<ProfileId>,
    /// How the fetch behaved.
    pub rules: FetchRules,
    /// What happened.
    #[serde(flatten)]
    pub record: FetchRecord,
}

/// One origin's verdicts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OriginVerdicts {
    /// The caller origin, as given.
    pub origin: String,
    /// The verdict under each requested profile, keyed by profile name.
    pub verdicts: BTreeMap<String, ProfileVerdict>,
}

/// One profile's decision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProfileVerdict {
    /// Accept or reject.
    pub verdict: Verdict,
    /// The stable reason code.
    pub reason: Reason,
    /// One sentence.
    pub explanation: String,
}

/// The label table, for the profiles that read the document alike.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LabelGroup {
    /// The profiles.
    pub profiles: Vec<ProfileId>,
    /// Their limit of registrable-origin labels.
    pub max_labels: Option<usize>,
    /// The index of the first entry the limit keeps from being examined.
    pub limit_reached_at: Option<usize>,
    /// The candidate limit that stopped the walk (WebKit: 100 labelled entries),
    /// when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_candidates: Option<usize>,
    /// The index of the labelled entry the walk stopped at because the candidate
    /// limit was reached: it and every later entry are `beyond-candidate-limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_limit_reached_at: Option<usize>,
    /// Every entry of `origins`, in order.
    pub entries: Vec<LabelEntry>,
    /// Why there is no table (no document, not a JSON object with `origins`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One entry of the document under a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LabelEntry {
    /// Its index in `origins`.
    pub index: usize,
    /// The entry as written.
    pub entry: String,
    /// `counted`, `duplicate`, `known-after-limit`, `beyond-limit`, `not-url`,
    /// `no-label`, `not-string`, `not-reached` or `beyond-candidate-limit`.
    pub fate: &'static str,
    /// Its registrable-origin label, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label slot it filled (1 to max_labels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<usize>,
    /// For a duplicate: the entry that counted the label first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<usize>,
    /// Whether a caller with this origin can be matched at this entry.
    pub reachable: bool,
}

/// An association file fetched for a mobile platform, and what the core's
/// reader found in it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssociationFile {
    /// How it was fetched.
    pub rules: FetchRules,
    /// What happened.
    #[serde(flatten)]
    pub record: FetchRecord,
    /// What the reader made of it (empty, with no findings, when the fetch
    /// failed: `error` says why).
    #[serde(flatten)]
    pub reading: Reading,
}

/// Runs a probe: fetches, then decides. `progress` receives one line per step.
pub fn probe(
    fetcher: &Fetcher,
    request: &ProbeRequest<'_>,
    psl: &PslSnapshots,
    progress: &mut dyn FnMut(&str),
) -> Result<ProbeReport, ProbeError> {
    if request.profiles.is_empty() {
        return Err(ProbeError::NoProfile);
    }
    let host = match RpId::parse(request.rp_id) {
        Ok(id) => id.into_string(),
        Err(e) => {
            return Err(ProbeError::BadRpId(format!(
                "the RP ID `{}` is no domain a browser would fetch https://{{rp_id}}/.well-known/webauthn from ({})",
                request.rp_id,
                e.reason()
            )))
        }
    };
    let profiles: Vec<&Profile> = request
        .profiles
        .iter()
        .map(|&id| Profile::get(id))
        .collect();

    // One fetch per distinct behaviour, in the order of the first profile using it.
    let mut fetches: Vec<FetchGroup> = Vec::new();
    for profile in &profiles {
        let rules = FetchRules::related_origins(&profile.related_origins);
        match fetches.iter_mut().find(|g| g.rules == rules) {
            Some(group) => group.profiles.push(profile.id),
            None => fetches.push(FetchGroup {
                profiles: vec![profile.id],
                rules,
                record: FetchRecord::placeholder(),
            }),
        }
    }
    for group in &mut fetches {
        let names = names(&group.profiles);
        progress(&format!(
            "fetching https://{host}{WEBAUTHN_PATH} as {names}"
        ));
        group.record = fetcher.fetch(&host, WEBAUTHN_PATH, &group.rules);
        progress(&summary(&group.record));
    }
    let fetch_of = |id: ProfileId| {
        fetches
            .iter()
            .find(|g| g.profiles.contains(&id))
            .map(|g| &g.record)
    };

    let mut origins = Vec::with_capacity(request.origins.len());
    for origin in request.origins {
        let mut verdicts = BTreeMap::new();
        for profile in &profiles {
            let response = fetch_of(profile.id).and_then(FetchRecord::response);
            let client = ClientRequest {
                origin,
                rp_id: Some(request.rp_id),
                well_known: response,
            };
            let v = check(&client, profile, psl.for_profile(profile));
            verdicts.insert(
                profile.name().to_owned(),
                ProfileVerdict {
                    verdict: v.verdict(),
                    reason: v.reason(),
                    explanation: v.explanation().to_string(),
                },
            );
        }
        origins.push(OriginVerdicts {
            origin: origin.clone(),
            verdicts,
        });
    }

    let mut labels: Vec<LabelGroup> = Vec::new();
    for profile in &profiles {
        let group = labels_for(profile, fetch_of(profile.id), psl);
        match labels.iter_mut().find(|g| {
            g.max_labels == group.max_labels
                && g.max_candidates == group.max_candidates
                && g.entries == group.entries
                && g.error == group.error
        }) {
            Some(same) => same.profiles.push(profile.id),
            None => labels.push(group),
        }
    }

    type Reader = fn(&FetchRecord, &str, Option<PolicyRef<'_>>) -> Option<Reading>;
    let mut association = |wanted: bool, path: &str, rules: crate::FetchRules, read: Reader| {
        wanted.then(|| {
            progress(&format!("fetching https://{host}{path}"));
            let record = fetcher.fetch(&host, path, &rules);
            progress(&summary(&record));
            let reading = read(&record, &host, request.policy).unwrap_or_default();
            AssociationFile {
                rules,
                record,
                reading,
            }
        })
    };
    let android = association(
        request.android,
        ASSETLINKS_PATH,
        ASSETLINKS_RULES,
        read_assetlinks,
    );
    let ios = association(request.ios, AASA_PATH, AASA_RULES, read_aasa);

    Ok(ProbeReport {
        rp_id: host,
        fetches,
        origins,
        labels,
        android,
        ios,
    })
}

fn labels_for(profile: &Profile, record: Option<&FetchRecord>, psl: &PslSnapshots) -> LabelGroup {
    let mut group = LabelGroup {
        profiles: vec![profile.id],
        max_labels: Some(profile.related_origins.max_labels),
        limit_reached_at: None,
        max_candidates: None,
        candidate_limit_reached_at: None,
        entries: Vec::new(),
        error: None,
    };
    let failure = match record {
        None => Some("no document was fetched".to_owned()),
        Some(r) => match (&r.error, r.truncated, &r.stopped) {
            (Some(e), _, _) => Some(format!("no document: {}", e.message)),
            (None, true, _) => Some("the body is over the cap, so no entry is read".to_owned()),
            (None, false, Some(stop)) => Some(format!("no document: {stop}")),
            (None, false, None) => None,
        },
    };
    let (Some(record), None) = (record, failure.as_ref()) else {
        group.error = failure;
        return group;
    };
    let body = &record.body;
    match label_table(body, &profile.related_origins, psl.for_profile(profile)) {
        Ok(table) => fill(&mut group, table),
        Err(e) => {
            group.error = Some(format!(
                "the document is not an object with an array of strings in `origins` ({})",
                e.reason()
            ));
            if let rpscope_core::client::RelatedOriginsFailure::BadJson(m) = e {
                group.error = Some(m);
            }
        }
    }
    group
}

fn fill(group: &mut LabelGroup, table: LabelTable) {
    group.limit_reached_at = table.limit_reached_at;
    group.candidate_limit_reached_at = table.candidate_limit_reached_at;
    group.max_candidates = table.candidate_limit_reached_at.and(table.max_candidates);
    group.entries = table
        .rows
        .into_iter()
        .map(|row| {
            let reachable = row.fate.reachable();
            let (fate, label, slot, first) = match row.fate {
                EntryFate::Counted { label, slot } => ("counted", Some(label), Some(slot), None),
                EntryFate::Duplicate { label, first } => {
                    ("duplicate", Some(label), None, Some(first))
                }
                EntryFate::KnownAfterLimit { label } => {
                    ("known-after-limit", Some(label), None, None)
                }
                EntryFate::BeyondLimit { label } => ("beyond-limit", Some(label), None, None),
                EntryFate::NotUrl => ("not-url", None, None, None),
                EntryFate::NoLabel => ("no-label", None, None, None),
                EntryFate::NotString => ("not-string", None, None, None),
                EntryFate::NotReached => ("not-reached", None, None, None),
                EntryFate::BeyondCandidateLimit { label } => {
                    ("beyond-candidate-limit", label, None, None)
                }
                _ => ("other", None, None, None),
            };
            LabelEntry {
                index: row.index,
                entry: row.entry,
                fate,
                label,
                slot,
                first,
                reachable,
            }
        })
        .collect();
}

/// `spec, chromium`.
pub(crate) fn names(profiles: &[ProfileId]) -> String {
    profiles
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line about a fetch.
pub(crate) fn summary(r: &FetchRecord) -> String {
    let hops = match r.hops.len() {
        0 => String::new(),
        n => format!(", {n} redirect(s)"),
    };
    match (&r.error, r.status) {
        (Some(e), _) => format!("  failed after {} ms{hops}: {}", r.elapsed_ms, e.message),
        (None, Some(status)) => format!(
            "  {status}, {}, {} bytes{}, {} ms{hops}{}",
            r.content_type.as_deref().unwrap_or("no Content-Type"),
            r.bytes,
            if r.truncated { " (truncated)" } else { "" },
            r.elapsed_ms,
            r.stopped
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default()
        ),
        (None, None) => format!("  no response after {} ms", r.elapsed_ms),
    }
}
