//! The case format: what a topic file under `corpus/cases/` holds.
//!
//! The JSON Schema in `corpus/schema/case-file.schema.json` is generated from these
//! types (`rpscope corpus schema`), and a test fails when the two drift apart.

pub use rpscope_model::{Outcome, PerProfile, ProfileId, Reason, WellKnown};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One topic file, e.g. `corpus/cases/dot-boundary.toml`; the topic is the file stem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TopicFile {
    /// Client-side cases: what a browser decides.
    Client(ClientTopic),
    /// Server-side cases: what an RP's origin policy decides.
    Server(ServerTopic),
}

/// A topic of server-side cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerTopic {
    /// What the topic covers and why it matters.
    pub description: String,
    /// The cases, in reading order.
    #[serde(rename = "case", default)]
    pub cases: Vec<ServerCase>,
}

/// One server-side conformance case: a policy and what a ceremony presents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerCase {
    /// Stable id, `<topic>::<name>` in kebab-case, unique across the corpus.
    pub id: String,
    /// What the case tests and why, in one or two sentences.
    pub description: String,
    /// Where the expectation comes from. At least one.
    pub source: Vec<String>,
    /// The RP's policy.
    pub policy: rpscope_core::server::Policy,
    /// `clientDataJSON.origin`.
    pub origin: String,
    /// `clientDataJSON.crossOrigin` (absent: not sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_origin: Option<bool>,
    /// `clientDataJSON.topOrigin` (absent: not sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_origin: Option<String>,
    /// `authenticatorData.rpIdHash` as the SHA-256 of this string (the usual way to write one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id_hash_of: Option<String>,
    /// `authenticatorData.rpIdHash` as hex, for hashes no string produces (wrong lengths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id_hash: Option<String>,
    /// Flags from the registry in `corpus/flags.toml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The expected outcome.
    pub expected: Outcome,
    /// The expected reason code, where certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Why an expectation is `acceptable`, or anything a reader must know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ServerCase {
    /// The rpIdHash bytes the case presents, if any (`Err` for malformed hex).
    pub fn rp_id_hash_bytes(&self) -> Result<Option<Vec<u8>>, String> {
        use sha2::Digest as _;
        match (&self.rp_id_hash_of, &self.rp_id_hash) {
            (Some(_), Some(_)) => Err("give `rp_id_hash_of` or `rp_id_hash`, not both".into()),
            (Some(s), None) => Ok(Some(sha2::Sha256::digest(s.as_bytes()).to_vec())),
            (None, Some(h)) => hex::decode(h)
                .map(Some)
                .map_err(|e| format!("`rp_id_hash` is not hex: {e}")),
            (None, None) => Ok(None),
        }
    }
}

/// Either kind of case, for code that treats them alike (lint, reports).
#[derive(Debug, Clone, Copy)]
pub enum AnyCase<'a> {
    /// A client-side case.
    Client(&'a ClientCase),
    /// A server-side case.
    Server(&'a ServerCase),
}

impl<'a> AnyCase<'a> {
    /// The id.
    pub fn id(&self) -> &'a str {
        match self {
            AnyCase::Client(c) => &c.id,
            AnyCase::Server(c) => &c.id,
        }
    }
    /// The description.
    pub fn description(&self) -> &'a str {
        match self {
            AnyCase::Client(c) => &c.description,
            AnyCase::Server(c) => &c.description,
        }
    }
    /// The sources.
    pub fn source(&self) -> &'a [String] {
        match self {
            AnyCase::Client(c) => &c.source,
            AnyCase::Server(c) => &c.source,
        }
    }
    /// The flags.
    pub fn flags(&self) -> &'a [String] {
        match self {
            AnyCase::Client(c) => &c.flags,
            AnyCase::Server(c) => &c.flags,
        }
    }
    /// The note.
    pub fn note(&self) -> Option<&'a str> {
        match self {
            AnyCase::Client(c) => c.note.as_deref(),
            AnyCase::Server(c) => c.note.as_deref(),
        }
    }
}

/// A topic of client-side cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientTopic {
    /// What the topic covers and why it matters.
    pub description: String,
    /// Expectations for a profile in every case of the topic that does not name that
    /// profile in its `expected` table (a plain `expected = "reject"` or a `default`
    /// does not name it). Written `[profile_default.webkit]` with `expected` and
    /// `note`; for a profile whose browser decides the topic's question in code that
    /// cannot be read, so each case is `acceptable` for it with the reason given once.
    /// The loader applies it ([`ClientTopic::apply_profile_defaults`]): every case then
    /// names the profile, with the note appended to its own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profile_default: BTreeMap<ProfileId, ProfileDefault>,
    /// The cases, in reading order.
    #[serde(rename = "case", default)]
    pub cases: Vec<ClientCase>,
}

/// A topic's expectation for one profile in the cases that do not name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileDefault {
    /// The outcome (in practice `acceptable`: a whole topic is rarely decided for a
    /// profile without naming it case by case).
    pub expected: Outcome,
    /// Why, for every case it applies to (required).
    pub note: String,
}

impl ClientTopic {
    /// Gives each case the topic's [`ProfileDefault`]s for the profiles its `expected`
    /// does not name: the outcome becomes the case's own, the case gives no reason for
    /// that profile (unless it names one), and the note is appended to the case's note.
    /// Applying it twice changes nothing.
    ///
    /// ```
    /// use rpscope_corpus::case::{ClientTopic, Outcome, ProfileId};
    /// let mut topic: ClientTopic = toml::from_str(r#"
    ///     description = "t"
    ///     [profile_default.webkit]
    ///     expected = "acceptable"
    ///     note = "decided in closed code"
    ///     [[case]]
    ///     id = "t::a"
    ///     description = "d"
    ///     source = ["s"]
    ///     origin = "https://a.example"
    ///     expected = "accept"
    ///     reason = "rp-id-equals-host"
    /// "#).unwrap();
    /// topic.apply_profile_defaults();
    /// let case = &topic.cases[0];
    /// assert_eq!(case.expected.get(ProfileId::Webkit), Some(Outcome::Acceptable));
    /// assert_eq!(case.expected.get(ProfileId::Chromium), Some(Outcome::Accept));
    /// assert_eq!(case.reason.as_ref().unwrap().get(ProfileId::Webkit), None);
    /// assert_eq!(case.note.as_deref(), Some("webkit: decided in closed code"));
    /// ```
    pub fn apply_profile_defaults(&mut self) {
        for (&profile, default) in &self.profile_default {
            for case in &mut self.cases {
                if case.expected.names(profile) {
                    continue;
                }
                case.expected.set(profile, default.expected);
                if let Some(reason) = &case.reason {
                    if !reason.names(profile) {
                        case.reason = without(reason, profile);
                    }
                }
                let addition = format!("{profile}: {}", default.note.trim());
                case.note = Some(match case.note.take() {
                    Some(note) if !note.trim().is_empty() => {
                        format!("{} {addition}", note.trim_end())
                    }
                    _ => addition,
                });
            }
        }
    }
}

/// `reason` with no value for `profile` (`None` when no profile keeps one): every
/// other profile keeps what it had.
fn without(reason: &ExpectedReason, profile: ProfileId) -> Option<ExpectedReason> {
    let kept: Vec<(ProfileId, Reason)> = ProfileId::ALL
        .iter()
        .filter(|&&p| p != profile)
        .filter_map(|&p| reason.get(p).map(|r| (p, r)))
        .collect();
    (!kept.is_empty()).then(|| ExpectedReason::from_overrides(kept))
}

/// One client-side conformance case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCase {
    /// Stable id, `<topic>::<name>` in kebab-case, unique across the corpus.
    pub id: String,
    /// What the case tests and why, in one or two sentences.
    pub description: String,
    /// Where the expectation comes from: spec section, browser source or
    /// measurement, PSL test, library issue or CVE. At least one.
    pub source: Vec<String>,
    /// The caller's origin (or page URL).
    pub origin: String,
    /// The requested RP ID; absent means the caller's effective domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id: Option<String>,
    /// The response for `https://{rp_id}/.well-known/webauthn`; absent means the
    /// fetch failed (or never happened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub well_known: Option<WellKnown>,
    /// Flags from the registry in `corpus/flags.toml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The expected outcome, for every profile or per profile.
    pub expected: Expected,
    /// The expected reason code where it is certain, for every profile or per profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ExpectedReason>,
    /// Why an expectation is `acceptable`, or anything a reader must know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The expected outcome of a client-side case, for every profile or per profile
/// (`expected = "reject"`, `expected = { spec = "reject", chromium = "accept", firefox =
/// "reject" }`, `expected = { default = "reject", chromium = "accept" }`). The loader
/// refuses a case that leaves a profile without an outcome.
pub type Expected = PerProfile<Outcome>;

/// The expected reason code of a client-side case where it is certain, for every
/// profile or per profile (a profile may be left out where its reason is not certain).
pub type ExpectedReason = PerProfile<Reason>;

impl ClientCase {
    /// The topic part of the id (before `::`).
    pub fn topic(&self) -> &str {
        self.id.split_once("::").map_or("", |(t, _)| t)
    }
}
