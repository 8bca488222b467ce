//! Running cases against an implementation and judging the results.
//!
//! The contract, after x509-limbo and rust-url's WPT runner: every selected case
//! runs under every selected profile; a case conforms when the verdict is one its
//! expectation admits and, where both sides name a reason, the reasons agree.
//! Known divergences turn a listed failure into a non-failure, but an entry that
//! no longer fails (an unexpected pass) or names no case (stale) fails the run.

use crate::case::{ClientCase, Outcome, ServerCase};
use crate::divergence::KnownDivergences;
use crate::load::Corpus;
use rpscope_core::client::{check, ClientRequest, WellKnownResponse};
use rpscope_core::server::{verify, ServerRequest, ServerVerdict};
use rpscope_core::{Profile, PublicSuffixList, Reason, Verdict};
use serde::Serialize;

/// What an implementation answered for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A verdict, with the reason and explanation when the implementation has them.
    Verdict {
        /// Accept or reject.
        verdict: Verdict,
        /// rpscope's reason code, when the implementation speaks it.
        reason: Option<Reason>,
        /// Free text from the implementation.
        explanation: Option<String>,
    },
    /// The implementation cannot express this case.
    Skipped(String),
    /// The implementation failed to answer (crash, timeout, garbage).
    Error(String),
}

/// An implementation that cases run against: a browser model (client side), an
/// RP's verifier (server side), or both.
///
/// Rust implementers implement this to run the corpus from their own `cargo test`;
/// a side the implementation does not have answers [`Answer::Skipped`].
pub trait Target {
    /// A short name for reports.
    fn name(&self) -> String;

    /// Decides one client-side case under one profile.
    fn check_client(&mut self, case: &ClientCase, profile: &Profile) -> Answer {
        let _ = (case, profile);
        Answer::Skipped("this target has no client-side check".into())
    }

    /// Verifies one server-side case as part of `ceremony`.
    fn verify_server(&mut self, case: &ServerCase, ceremony: Ceremony) -> Answer {
        let _ = (case, ceremony);
        Answer::Skipped("this target has no server-side verification".into())
    }

    /// The ceremonies every server-side case runs as, each reported under its own
    /// name. The default, [`Ceremony::Either`], runs each case once, for targets
    /// that verify what a ceremony presents without telling the two apart.
    fn server_ceremonies(&self) -> Vec<Ceremony> {
        vec![Ceremony::Either]
    }

    /// The client profiles whose expectations this target's verdicts are held to;
    /// `None` (the default) means every built-in profile.
    fn client_profiles(&self) -> Option<Vec<Profile>> {
        None
    }
}

/// Which WebAuthn ceremony a server-side case runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ceremony {
    /// What the ceremony presents, whichever ceremony it is (rpscope's core:
    /// origin, `crossOrigin`, `topOrigin` and `rpIdHash` are checked alike in
    /// WebAuthn L3 §7.1 and §7.2). Reported under the profile name `server`.
    Either,
    /// Registration (`navigator.credentials.create`, WebAuthn L3 §7.1).
    Registration,
    /// Authentication (`navigator.credentials.get`, WebAuthn L3 §7.2).
    Authentication,
}

impl Ceremony {
    /// The name results are reported under: `server`, `registration` or `authentication`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ceremony::Either => SERVER,
            Ceremony::Registration => "registration",
            Ceremony::Authentication => "authentication",
        }
    }
}

/// rpscope's own core.
pub struct Builtin<'a> {
    psl: &'a PublicSuffixList,
}

impl<'a> Builtin<'a> {
    /// The built-in core over a Public Suffix List.
    pub fn new(psl: &'a PublicSuffixList) -> Self {
        Builtin { psl }
    }
}

impl Target for Builtin<'_> {
    fn name(&self) -> String {
        "builtin".into()
    }

    fn check_client(&mut self, case: &ClientCase, profile: &Profile) -> Answer {
        let request = ClientRequest {
            origin: &case.origin,
            rp_id: case.rp_id.as_deref(),
            well_known: case.well_known.as_ref().map(|w| WellKnownResponse {
                status: w.status,
                content_type: &w.content_type,
                body: w.body.as_bytes(),
                redirects: &w.redirects,
            }),
        };
        let v = check(&request, profile, self.psl);
        Answer::Verdict {
            verdict: v.verdict(),
            reason: Some(v.reason()),
            explanation: Some(v.explanation().to_string()),
        }
    }

    fn verify_server(&mut self, case: &ServerCase, _: Ceremony) -> Answer {
        let hash = match case.rp_id_hash_bytes() {
            Ok(h) => h,
            Err(e) => return Answer::Error(e),
        };
        let request = ServerRequest {
            origin: &case.origin,
            cross_origin: case.cross_origin,
            top_origin: case.top_origin.as_deref(),
            rp_id_hash: hash.as_deref(),
        };
        let answer = |v: ServerVerdict<'_>| Answer::Verdict {
            verdict: v.verdict(),
            reason: Some(v.reason()),
            explanation: Some(v.explanation().to_string()),
        };
        match case.policy.compile(self.psl) {
            Ok(policy) => answer(verify(&policy, &request)),
            Err(error) => answer(ServerVerdict::invalid_policy(&request, &error)),
        }
    }
}

/// How a case fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
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

/// One case under one profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// The profile it ran under.
    pub profile: String,
    /// What the corpus expects.
    pub expected: Outcome,
    /// The expected reason, where certain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<String>,
    /// `accept`, `reject`, `skipped` or `error`.
    pub actual: String,
    /// The target's reason code, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The verdict's explanation, the skip reason or the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// How it fared.
    pub status: Status,
    /// Why it fared so, when that is not obvious.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Client-side or server-side cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Client-side cases (run once per profile).
    Client,
    /// Server-side cases (run once, reported under the profile name `server`).
    Server,
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Only cases whose id contains this.
    pub filter: Option<&'a str>,
    /// Only this client profile (all built-in profiles when `None`).
    pub profile: Option<Profile>,
    /// Only this side (both when `None`).
    pub side: Option<Side>,
}

/// A whole run: every result and the stale divergence entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// The target's name.
    pub target: String,
    /// Results counted.
    pub total: usize,
    /// Conforming results.
    pub passed: usize,
    /// Results that fail the run (fail, unexpected pass, error).
    pub failed: usize,
    /// Results the target skipped.
    pub skipped: usize,
    /// Results excused by the known-divergence file.
    pub known_divergences: usize,
    /// Known-divergence entries that match no case of the corpus.
    pub stale_divergences: Vec<String>,
    /// Every result, in corpus order, profile by profile.
    pub results: Vec<CaseResult>,
}

impl Report {
    /// Whether the run conforms: nothing failed and no divergence entry is stale.
    pub fn conforms(&self) -> bool {
        self.failed == 0 && self.stale_divergences.is_empty()
    }
}

/// Runs the selected cases against `target`.
pub fn run(
    corpus: &Corpus,
    target: &mut dyn Target,
    selection: &Selection<'_>,
    known: &KnownDivergences,
) -> Report {
    let mut profiles: Vec<Profile> = target
        .client_profiles()
        .unwrap_or_else(|| Profile::ALL.to_vec());
    if let Some(only) = selection.profile {
        profiles.retain(|p| p.name == only.name);
    }
    let selected = |id: &str| selection.filter.is_none_or(|f| id.contains(f));
    let mut results = Vec::new();
    if selection.side != Some(Side::Server) {
        for (_, case) in corpus.client_cases().filter(|(_, c)| selected(&c.id)) {
            for profile in &profiles {
                let answer = target.check_client(case, profile);
                let expected = case.expected.for_profile(profile);
                let reason = case.reason.and_then(|r| r.for_profile(profile));
                results.push(judge(
                    &case.id,
                    profile.name,
                    expected,
                    reason,
                    answer,
                    known,
                ));
            }
        }
    }
    if selection.side != Some(Side::Client) && selection.profile.is_none() {
        let ceremonies = target.server_ceremonies();
        for (_, case) in corpus.server_cases().filter(|(_, c)| selected(&c.id)) {
            for &ceremony in &ceremonies {
                let answer = target.verify_server(case, ceremony);
                results.push(judge(
                    &case.id,
                    ceremony.as_str(),
                    case.expected,
                    case.reason.map(|r| r.0),
                    answer,
                    known,
                ));
            }
        }
    }
    let ids = corpus
        .client_cases()
        .map(|(_, c)| c.id.as_str())
        .chain(corpus.server_cases().map(|(_, c)| c.id.as_str()));
    let stale_divergences = known.stale(ids);
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    Report {
        target: target.name(),
        total: results.len(),
        passed: count(Status::Pass),
        failed: results.iter().filter(|r| r.status.fails_run()).count(),
        skipped: count(Status::Skip),
        known_divergences: count(Status::KnownDivergence),
        stale_divergences,
        results,
    }
}

/// The profile name server-side results are reported under.
pub const SERVER: &str = "server";

fn judge(
    id: &str,
    profile: &str,
    expected: Outcome,
    expected_reason: Option<Reason>,
    answer: Answer,
    known: &KnownDivergences,
) -> CaseResult {
    let (actual, reason, explanation, verdict_status, message) = match answer {
        Answer::Skipped(why) => ("skipped".to_string(), None, Some(why), Status::Skip, None),
        Answer::Error(why) => ("error".to_string(), None, Some(why), Status::Error, None),
        Answer::Verdict {
            verdict,
            reason,
            explanation,
        } => {
            // A verdict mismatch needs no message: `expected` and `actual` say it.
            let (status, message) = if !expected.admits(verdict) {
                (Status::Fail, None)
            } else {
                match (expected_reason, reason) {
                    (Some(want), Some(got)) if want != got => (
                        Status::Fail,
                        Some(format!("expected reason {want}, got {got}")),
                    ),
                    _ => (Status::Pass, None),
                }
            };
            (
                verdict.as_str().to_string(),
                reason.map(|r| r.code().to_string()),
                explanation,
                status,
                message,
            )
        }
    };
    let listed = known.lookup(id, profile);
    let (status, message) = match (verdict_status, listed) {
        (Status::Fail, Some(entry)) if entry.actual == actual => (
            Status::KnownDivergence,
            Some(format!("known divergence: {}", entry.reason)),
        ),
        (Status::Fail, Some(entry)) => (
            Status::Fail,
            Some(format!(
                "listed as a known divergence with actual `{}`, but got `{actual}`",
                entry.actual
            )),
        ),
        (Status::Pass, Some(entry)) => (
            Status::UnexpectedPass,
            Some(format!(
                "listed as a known divergence ({}), but it conforms now: remove the entry",
                entry.reason
            )),
        ),
        (status, _) => (status, message),
    };
    CaseResult {
        id: id.to_owned(),
        profile: profile.to_owned(),
        expected,
        expected_reason: expected_reason.map(|r| r.code().to_string()),
        actual,
        reason,
        explanation,
        status,
        message,
    }
}
