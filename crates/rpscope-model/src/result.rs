//! What a target answered for a case, and how the case fared.

use crate::ceremony::Ceremony;
use crate::expectation::Outcome;
use crate::profile::ProfileId;
use crate::reason::{Reason, Verdict};
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

/// One case under one profile or ceremony.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// The profile or ceremony it ran as.
    pub profile: RunAs,
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
    /// Why it fared so, when that is not obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_as_names_round_trip() {
        let names: Vec<&str> = RunAs::all().map(RunAs::as_str).collect();
        assert_eq!(
            names,
            [
                "spec",
                "chromium",
                "firefox",
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
