//! What a target answered for a case, and how the case fared.

use crate::ceremony::Ceremony;
use crate::expectation::Outcome;
use crate::profile::ProfileId;
use crate::reason::{Reason, Verdict};
use crate::well_known::WellKnown;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// What a target answered.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Actual {
    /// It accepted.
    Accept,
    /// It rejected.
    Reject,
    /// It cannot express the case.
    Skipped,
    /// It failed to answer (crash, timeout, garbage).
    Error,
}

impl Actual {
    /// `accept`, `reject`, `skipped` or `error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Actual::Accept => "accept",
            Actual::Reject => "reject",
            Actual::Skipped => "skipped",
            Actual::Error => "error",
        }
    }

    /// The verdict, when the answer was one.
    pub const fn verdict(self) -> Option<Verdict> {
        match self {
            Actual::Accept => Some(Verdict::Accept),
            Actual::Reject => Some(Verdict::Reject),
            Actual::Skipped | Actual::Error => None,
        }
    }
}

impl From<Verdict> for Actual {
    fn from(v: Verdict) -> Actual {
        match v {
            Verdict::Accept => Actual::Accept,
            Verdict::Reject => Actual::Reject,
        }
    }
}

impl fmt::Display for Actual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a case fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Conforms.
    Pass,
    /// Does not conform, and is not a known divergence.
    Fail,
    /// The target could not express the case.
    Skip,
    /// Does not conform, as the known-divergence file says.
    KnownDivergence,
    /// Listed as a known divergence, but conforms now: remove the entry.
    UnexpectedPass,
    /// The target failed to answer.
    Error,
}

impl Status {
    /// Whether this status fails the run.
    pub fn fails_run(self) -> bool {
        matches!(self, Status::Fail | Status::UnexpectedPass | Status::Error)
    }
}

/// What a result was run as: a client profile, or a server-side case as one
/// ceremony or as either (reported as `server`).
///
/// Serialised as one name: a profile name, `server`, `registration` or `authentication`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunAs {
    /// A client-side case under a profile.
    Profile(ProfileId),
    /// A server-side case verified for what it presents, whichever ceremony it is
    /// (rpscope's core: WebAuthn L3 §7.1 and §7.2 check origin, `crossOrigin`,
    /// `topOrigin` and `rpIdHash` alike).
    Server,
    /// A server-side case run as one ceremony.
    Ceremony(Ceremony),
}

impl RunAs {
    /// The name results are reported under.
    pub const fn as_str(self) -> &'static str {
        match self {
            RunAs::Profile(p) => p.as_str(),
            RunAs::Server => "server",
            RunAs::Ceremony(c) => c.as_str(),
        }
    }

    /// Every name a result can be reported under.
    pub fn all() -> impl Iterator<Item = RunAs> {
        ProfileId::ALL
            .iter()
            .map(|p| RunAs::Profile(*p))
            .chain([RunAs::Server])
            .chain(Ceremony::ALL.iter().map(|c| RunAs::Ceremony(*c)))
    }

    /// Looks a name up.
    pub fn from_name(name: &str) -> Option<RunAs> {
        RunAs::all().find(|r| r.as_str() == name)
    }

    /// The client profile, for a client-side result.
    pub const fn profile(self) -> Option<ProfileId> {
        match self {
            RunAs::Profile(p) => Some(p),
            RunAs::Server | RunAs::Ceremony(_) => None,
        }
    }
}

impl fmt::Display for RunAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RunAs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RunAs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <Cow<'de, str>>::deserialize(d)?;
        RunAs::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format_args!("`{name}` is no profile or ceremony"))
        })
    }
}

impl JsonSchema for RunAs {
    fn schema_name() -> Cow<'static, str> {
        "RunAs".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = RunAs::all().map(RunAs::as_str).collect();
        json_schema!({
            "description": "A client profile, `server` (either ceremony), `registration` or `authentication`.",
            "type": "string",
            "enum": names,
        })
    }
}

/// What a result that is not a pass means for whoever runs the implementation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Class {
    /// A false accept: something the corpus says must be refused was accepted (another
    /// origin, scheme or port could use the RP's passkeys, or a page an RP ID it must not).
    Security,
    /// An invalid policy was accepted: a configuration mistake goes unnoticed.
    Configuration,
    /// A false reject: real users of a correctly configured RP cannot sign in.
    Interoperability,
    /// The verdict is right but the reason code differs: diagnostics only.
    Reason,
    /// A known-divergence entry no longer applies (the case conforms now): remove it.
    StaleDivergence,
    /// No verdict: a crash, a timeout, garbage, or a run that stopped.
    Error,
}

impl Class {
    /// Every class, most serious first (the order reports group by).
    pub const ALL: &'static [Class] = &[
        Class::Security,
        Class::Configuration,
        Class::Interoperability,
        Class::Error,
        Class::Reason,
        Class::StaleDivergence,
    ];

    /// The kebab-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Class::Security => "security",
            Class::Configuration => "configuration",
            Class::Interoperability => "interoperability",
            Class::Reason => "reason",
            Class::StaleDivergence => "stale-divergence",
            Class::Error => "error",
        }
    }

    /// A heading for reports.
    pub const fn title(self) -> &'static str {
        match self {
            Class::Security => "Security findings: accepted what must be rejected",
            Class::Configuration => {
                "Configuration not validated: accepted under a policy that must be refused"
            }
            Class::Interoperability => "Interoperability findings: rejected what must be accepted",
            Class::Reason => "Right verdict, other reason code",
            Class::StaleDivergence => "Known divergences that conform now",
            Class::Error => "Errors: no verdict (crashes, timeouts, garbage, a stopped run)",
        }
    }

    /// Where a position in [`Class::ALL`] sorts.
    pub fn rank(self) -> usize {
        Class::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or(usize::MAX)
    }

    /// The class of a result, from its status, verdicts and expected reason; `None`
    /// for a pass or a skip (a known divergence keeps the class of the failure it excuses).
    pub fn of(
        status: Status,
        actual: Actual,
        expected: Outcome,
        expected_reason: Option<Reason>,
    ) -> Option<Class> {
        match status {
            Status::Pass | Status::Skip => None,
            Status::UnexpectedPass => Some(Class::StaleDivergence),
            Status::Error => Some(Class::Error),
            Status::Fail | Status::KnownDivergence => Some(match actual.verdict() {
                None => Class::Error,
                Some(v) if expected.admits(v) => Class::Reason,
                Some(Verdict::Accept) if expected_reason == Some(Reason::InvalidPolicy) => {
                    Class::Configuration
                }
                Some(Verdict::Accept) => Class::Security,
                Some(Verdict::Reject) => Class::Interoperability,
            }),
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A well-known response, summarised for a report: everything but the body's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WellKnownSummary {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body's length in bytes.
    pub bytes: usize,
    /// The URLs the fetch was redirected through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<String>,
}

impl From<&WellKnown> for WellKnownSummary {
    fn from(w: &WellKnown) -> Self {
        WellKnownSummary {
            status: w.status,
            content_type: w.content_type.clone(),
            bytes: w.body.len(),
            redirects: w.redirects.clone(),
        }
    }
}

/// What a case presented to the implementation, so a report shows the input that
/// failed without the reader decoding a ceremony.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Presented {
    /// The caller's origin (client side) or `clientDataJSON.origin` (server side).
    pub origin: String,
    /// Client side: the requested RP ID (absent: the caller's effective domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id: Option<String>,
    /// Client side: the `/.well-known/webauthn` response (absent: the fetch failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub well_known: Option<WellKnownSummary>,
    /// Server side: `clientDataJSON.crossOrigin` as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_origin: Option<bool>,
    /// Server side: `clientDataJSON.topOrigin` as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_origin: Option<String>,
    /// Server side: `authenticatorData.rpIdHash` as sent, in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id_hash: Option<String>,
    /// Server side: the string whose SHA-256 `rp_id_hash` is, when the case says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp_id_hash_of: Option<String>,
    /// Server side: the RP's policy, as the corpus (or `--policy`) gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<serde_json::Value>,
}

/// One case under one profile or ceremony.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// The profile or ceremony it ran as.
    pub profile: RunAs,
    /// What the case tests and why.
    #[serde(default)]
    pub description: String,
    /// The case's flags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// What the case presented.
    #[serde(default)]
    pub presented: Presented,
    /// What the corpus expects.
    pub expected: Outcome,
    /// The expected reason, where certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<Reason>,
    /// What the target answered.
    pub actual: Actual,
    /// The target's reason code, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The verdict's explanation, the skip reason or the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// How it fared.
    pub status: Status,
    /// What a result that fails the run (or is excused) means; absent for a pass or a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
    /// Why it fared so, when that is not obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_verdict_and_the_expected_reason() {
        use Actual::*;
        let of = |status, actual, expected, reason| Class::of(status, actual, expected, reason);
        assert_eq!(
            of(Status::Fail, Accept, Outcome::Reject, None),
            Some(Class::Security)
        );
        assert_eq!(
            of(
                Status::Fail,
                Accept,
                Outcome::Reject,
                Some(Reason::InvalidPolicy)
            ),
            Some(Class::Configuration)
        );
        assert_eq!(
            of(Status::Fail, Reject, Outcome::Accept, None),
            Some(Class::Interoperability)
        );
        assert_eq!(
            of(
                Status::Fail,
                Reject,
                Outcome::Reject,
                Some(Reason::RpIdNotSuffix)
            ),
            Some(Class::Reason)
        );
        assert_eq!(
            of(Status::Error, Error, Outcome::Accept, None),
            Some(Class::Error)
        );
        assert_eq!(
            of(Status::UnexpectedPass, Accept, Outcome::Accept, None),
            Some(Class::StaleDivergence)
        );
        assert_eq!(of(Status::Pass, Accept, Outcome::Accept, None), None);
        assert_eq!(of(Status::Skip, Skipped, Outcome::Accept, None), None);
        assert_eq!(Class::Security.rank(), 0);
    }

    #[test]
    fn run_as_names_round_trip() {
        let names: Vec<&str> = RunAs::all().map(RunAs::as_str).collect();
        assert_eq!(
            names,
            [
                "spec",
                "chromium",
                "firefox",
                "webkit",
                "server",
                "registration",
                "authentication"
            ]
        );
        for r in RunAs::all() {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<RunAs>(&json).unwrap(), r);
        }
        assert!(serde_json::from_str::<RunAs>("\"safari\"").is_err());
    }
}
