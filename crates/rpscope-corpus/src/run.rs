//! Running cases against an implementation and judging the results.
//!
//! The contract, after x509-limbo and rust-url's WPT runner: every selected case
//! runs under every selected profile; a case conforms when the verdict is one its
//! expectation admits and, where both sides name a reason, the reasons agree.
//! Known divergences turn a listed failure into a non-failure, but an entry that
//! no longer fails (an unexpected pass) or names no case (stale) fails the run.

use crate::case::{AnyCase, ClientCase, ServerCase};
use crate::divergence::KnownDivergences;
use crate::load::Corpus;
use rpscope_core::client::{check, snapshot_note, ClientRequest};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify_or_refuse, ServerRequest};
use rpscope_core::{Profile, PslSnapshots, Reason, Verdict};
pub use rpscope_model::{
    Actual, CaseResult, Ceremony, Class, Presented, ProfileId, RunAs, Side, Status,
};
use rpscope_model::{Outcome, WellKnownSummary};
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

    /// Verifies one server-side case as part of `ceremony` (`None`: whichever
    /// ceremony, for targets that verify what a ceremony presents without telling
    /// the two apart; reported as `server`).
    fn verify_server(&mut self, case: &ServerCase, ceremony: Option<Ceremony>) -> Answer {
        let _ = (case, ceremony);
        Answer::Skipped("this target has no server-side verification".into())
    }

    /// The ceremonies every server-side case runs as, each reported under its own
    /// name. The default, none, runs each case once as [`RunAs::Server`].
    fn server_ceremonies(&self) -> Vec<Ceremony> {
        Vec::new()
    }

    /// The client profiles whose expectations this target's verdicts are held to;
    /// `None` (the default) means every profile of [`ProfileId::ALL`].
    fn client_profiles(&self) -> Option<Vec<ProfileId>> {
        None
    }

    /// Why the target can answer no more cases (it could not be started, died for
    /// good, or the run was interrupted), or `None` while it can. Once it says so, the
    /// runner asks it nothing more: every remaining case is an `error` result with this
    /// reason, and the report's `stopped` field carries it.
    fn stopped(&self) -> Option<String> {
        None
    }
}

/// rpscope's own core.
pub struct Builtin<'a> {
    psl: &'a PslSnapshots,
}

impl<'a> Builtin<'a> {
    /// The built-in core; each profile decides with its snapshot of `psl`.
    pub fn new(psl: &'a PslSnapshots) -> Self {
        Builtin { psl }
    }
}

impl Target for Builtin<'_> {
    fn name(&self) -> String {
        "builtin".into()
    }

    fn check_client(&mut self, case: &ClientCase, profile: &Profile) -> Answer {
        let request = ClientRequest::new(
            &case.origin,
            case.rp_id.as_deref(),
            case.well_known.as_ref(),
        );
        let v = check(&request, profile, self.psl.for_profile(profile));
        let explanation = match snapshot_note(&request, profile, &v, self.psl) {
            Some(note) => format!("{} ({note})", v.explanation()),
            None => v.explanation().to_string(),
        };
        Answer::Verdict {
            verdict: v.verdict(),
            reason: Some(v.reason()),
            explanation: Some(explanation),
        }
    }

    fn verify_server(&mut self, case: &ServerCase, _: Option<Ceremony>) -> Answer {
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
        let policy = case.policy.compile(self.psl.current());
        let v = verify_or_refuse(&policy, &request);
        let explanation = v.explanation().to_string();
        Answer::Verdict {
            verdict: v.verdict(),
            reason: Some(v.reason()),
            explanation: Some(explanation),
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// Only cases whose id contains this.
    pub filter: Option<&'a str>,
    /// Only this client profile (every profile when `None`).
    pub profile: Option<ProfileId>,
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
    /// Why the run ended before the target answered every case (see
    /// [`Target::stopped`]); the cases after that point are `error` results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl Report {
    /// Whether the run conforms: nothing failed and no divergence entry is stale.
    pub fn conforms(&self) -> bool {
        self.failed == 0 && self.stale_divergences.is_empty() && self.stopped.is_none()
    }
}

/// Runs the selected cases against `target`.
pub fn run(
    corpus: &Corpus,
    target: &mut dyn Target,
    selection: &Selection<'_>,
    known: &KnownDivergences,
) -> Report {
    let mut profiles: Vec<ProfileId> = target
        .client_profiles()
        .unwrap_or_else(|| ProfileId::ALL.to_vec());
    if let Some(only) = selection.profile {
        profiles.retain(|p| *p == only);
    }
    let selected = |id: &str| selection.filter.is_none_or(|f| id.contains(f));
    let mut results = Vec::new();
    if selection.side != Some(Side::Server) {
        for (_, case) in corpus.client_cases().filter(|(_, c)| selected(&c.id)) {
            for &profile in &profiles {
                let answer = match target.stopped() {
                    Some(why) => Answer::Error(why),
                    None => target.check_client(case, Profile::get(profile)),
                };
                // The loader refuses a case that leaves a profile uncovered.
                let expected = case.expected.get(profile).unwrap_or(Outcome::Acceptable);
                let reason = case.reason.as_ref().and_then(|r| r.get(profile));
                results.push(judge(
                    AnyCase::Client(case),
                    RunAs::Profile(profile),
                    expected,
                    reason,
                    answer,
                    known,
                ));
            }
        }
    }
    if selection.side != Some(Side::Client) && selection.profile.is_none() {
        let ceremonies: Vec<Option<Ceremony>> = match target.server_ceremonies() {
            listed if listed.is_empty() => vec![None],
            listed => listed.into_iter().map(Some).collect(),
        };
        for (_, case) in corpus.server_cases().filter(|(_, c)| selected(&c.id)) {
            for &ceremony in &ceremonies {
                let answer = match target.stopped() {
                    Some(why) => Answer::Error(why),
                    None => target.verify_server(case, ceremony),
                };
                let run_as = ceremony.map_or(RunAs::Server, RunAs::Ceremony);
                results.push(judge(
                    AnyCase::Server(case),
                    run_as,
                    case.expected,
                    case.reason,
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
        stopped: target.stopped(),
    }
}

/// What a case presents, for the report.
pub fn presented(case: AnyCase<'_>) -> Presented {
    match case {
        AnyCase::Client(c) => Presented {
            origin: c.origin.clone(),
            rp_id: c.rp_id.clone(),
            well_known: c.well_known.as_ref().map(WellKnownSummary::from),
            ..Presented::default()
        },
        AnyCase::Server(c) => Presented {
            origin: c.origin.clone(),
            cross_origin: c.cross_origin,
            top_origin: c.top_origin.clone(),
            rp_id_hash: c.rp_id_hash_bytes().ok().flatten().map(hex::encode),
            rp_id_hash_of: c.rp_id_hash_of.clone(),
            policy: serde_json::to_value(&c.policy).ok(),
            ..Presented::default()
        },
    }
}

fn judge(
    case: AnyCase<'_>,
    profile: RunAs,
    expected: Outcome,
    expected_reason: Option<Reason>,
    answer: Answer,
    known: &KnownDivergences,
) -> CaseResult {
    let (actual, reason, explanation, verdict_status, message) = match answer {
        Answer::Skipped(why) => (Actual::Skipped, None, Some(why), Status::Skip, None),
        Answer::Error(why) => (Actual::Error, None, Some(why), Status::Error, None),
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
            (Actual::from(verdict), reason, explanation, status, message)
        }
    };
    let id = case.id();
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
        profile,
        description: case.description().to_owned(),
        flags: case.flags().to_vec(),
        presented: presented(case),
        class: Class::of(status, actual, expected, expected_reason),
        expected,
        expected_reason,
        actual,
        reason,
        explanation,
        status,
        message,
    }
}
