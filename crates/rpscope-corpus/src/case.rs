//! The case format: what a topic file under `corpus/cases/` holds.
//!
//! The JSON Schema in `corpus/schema/case-file.schema.json` is generated from these
//! types (`rpscope corpus schema`), and a test fails when the two drift apart.

use rpscope_core::{Profile, Reason, Verdict};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
    pub reason: Option<ReasonCode>,
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
    /// The cases, in reading order.
    #[serde(rename = "case", default)]
    pub cases: Vec<ClientCase>,
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
    /// What real browsers decided when the browser oracle (`rpscope browser`) replayed
    /// the case. Data, not an expectation: `expected` stays the reviewed verdict, and a
    /// run fails when a browser no longer decides as recorded here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
}

/// Verdicts measured in real browsers, per browser
/// (`measured = { chromium = { version = "156.0.8078.79", outcome = "reject" } }`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// Chromium (headless, DevTools virtual authenticator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium: Option<Measurement>,
    /// Firefox ESR (WebDriver virtual authenticator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firefox: Option<Measurement>,
}

impl Measured {
    /// The measurement for a browser, by its name (`chromium` or `firefox`).
    pub fn get(&self, browser: &str) -> Option<&Measurement> {
        match browser {
            "chromium" => self.chromium.as_ref(),
            "firefox" => self.firefox.as_ref(),
            _ => None,
        }
    }
}

/// One browser's decision on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// The browser version the outcome was recorded with, e.g. `156.0.8078.79`.
    pub version: String,
    /// What the browser decided: `create()` succeeded (accept) or was refused (reject).
    pub outcome: MeasuredOutcome,
    /// The error the browser refused with (a `DOMException` name such as `SecurityError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A measured verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MeasuredOutcome {
    /// The ceremony went ahead.
    Accept,
    /// The browser refused it.
    Reject,
}

impl MeasuredOutcome {
    /// `accept` or `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasuredOutcome::Accept => "accept",
            MeasuredOutcome::Reject => "reject",
        }
    }

    /// The same decision as a [`Verdict`].
    pub fn verdict(self) -> Verdict {
        match self {
            MeasuredOutcome::Accept => Verdict::Accept,
            MeasuredOutcome::Reject => Verdict::Reject,
        }
    }

    /// A [`Verdict`] as a measured outcome.
    pub fn from_verdict(verdict: Verdict) -> MeasuredOutcome {
        match verdict {
            Verdict::Accept => MeasuredOutcome::Accept,
            Verdict::Reject => MeasuredOutcome::Reject,
        }
    }
}

/// A supplied `/.well-known/webauthn` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WellKnown {
    /// The final HTTP status.
    pub status: u16,
    /// The `Content-Type` header (empty: none sent).
    #[serde(default)]
    pub content_type: String,
    /// The body, as text.
    pub body: String,
    /// The URLs the fetch was redirected through before this response, in order
    /// (`https://{rp_id}/.well-known/webauthn` answered with a redirect to the
    /// first). Empty: no redirect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<String>,
}

/// What a conforming implementation must decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Must accept.
    Accept,
    /// Must reject.
    Reject,
    /// Either verdict conforms (the case's `note` says why).
    Acceptable,
}

impl Outcome {
    /// Whether `verdict` conforms to this outcome.
    pub fn admits(self, verdict: Verdict) -> bool {
        match self {
            Outcome::Acceptable => true,
            Outcome::Accept => verdict == Verdict::Accept,
            Outcome::Reject => verdict == Verdict::Reject,
        }
    }

    /// `accept`, `reject` or `acceptable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::Reject => "reject",
            Outcome::Acceptable => "acceptable",
        }
    }
}

/// A value for each built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerProfile<T> {
    /// The `spec` profile.
    pub spec: T,
    /// The `chromium` profile.
    pub chromium: T,
    /// The `firefox` profile.
    pub firefox: T,
}

impl<T: Copy> PerProfile<T> {
    /// The value for a profile, by its name.
    pub fn get(&self, profile: &Profile) -> Option<T> {
        match profile.name {
            "spec" => Some(self.spec),
            "chromium" => Some(self.chromium),
            "firefox" => Some(self.firefox),
            _ => None,
        }
    }
}

/// An expectation for every profile (`expected = "reject"`) or per profile
/// (`expected = { spec = "reject", chromium = "accept", firefox = "reject" }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Expected {
    /// The same outcome everywhere.
    All(Outcome),
    /// One outcome per profile.
    PerProfile(PerProfile<Outcome>),
}

impl Expected {
    /// The outcome expected under `profile` (`Acceptable` for a profile the
    /// corpus does not know).
    pub fn for_profile(&self, profile: &Profile) -> Outcome {
        match self {
            Expected::All(o) => *o,
            Expected::PerProfile(p) => p.get(profile).unwrap_or(Outcome::Acceptable),
        }
    }

    /// Whether the profiles' expectations differ.
    pub fn diverges(&self) -> bool {
        matches!(self, Expected::PerProfile(p) if !(p.spec == p.chromium && p.chromium == p.firefox))
    }
}

/// An expected reason code for every profile, or per profile (a profile may be
/// left out where its reason is not certain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ExpectedReason {
    /// The same code everywhere.
    All(ReasonCode),
    /// Per profile; an absent profile has no certain reason.
    PerProfile(PartialPerProfile),
}

/// Optional values per built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartialPerProfile {
    /// The `spec` profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ReasonCode>,
    /// The `chromium` profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium: Option<ReasonCode>,
    /// The `firefox` profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firefox: Option<ReasonCode>,
}

impl ExpectedReason {
    /// The reason expected under `profile`, if certain.
    pub fn for_profile(&self, profile: &Profile) -> Option<Reason> {
        match self {
            ExpectedReason::All(r) => Some(r.0),
            ExpectedReason::PerProfile(p) => match profile.name {
                "spec" => p.spec,
                "chromium" => p.chromium,
                "firefox" => p.firefox,
                _ => None,
            }
            .map(|r| r.0),
        }
    }
}

/// A reason code as it appears in corpus files and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReasonCode(pub Reason);

impl JsonSchema for ReasonCode {
    fn schema_name() -> Cow<'static, str> {
        "ReasonCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        json_schema!({
            "description": "A stable rpscope reason code.",
            "type": "string",
            "enum": codes,
        })
    }
}

impl ClientCase {
    /// The topic part of the id (before `::`).
    pub fn topic(&self) -> &str {
        self.id.split_once("::").map_or("", |(t, _)| t)
    }
}
