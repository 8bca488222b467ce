//! What a browser run means for the corpus: disagreements with the profile (and their
//! reviewed classification), the measured-verdict gate, counts per topic, and the
//! measurements to record.

use crate::annotations::{Annotations, Class};
use crate::record::NewMeasurement;
use crate::target::CaseRecord;
use rpscope_corpus::run::CaseResult;
use rpscope_corpus::{Corpus, Outcome, Report, Status};
use rpscope_model::{Actual, Browser, RunAs};
use serde::Serialize;
use std::collections::BTreeMap;

/// A case where the browser decided against its profile's expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The case id.
    pub id: String,
    /// What the profile expects.
    pub expected: Outcome,
    /// What the browser did.
    pub actual: Actual,
    /// The browser's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The reviewer's classification (`unclassified` without an annotation).
    pub class: Class,
    /// The reviewer's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A case whose recorded measurement the browser no longer reproduces: this fails
/// the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The case id.
    pub id: String,
    /// The recorded outcome and the version it was recorded with.
    pub recorded: String,
    /// What the browser does now.
    pub now: Actual,
    /// The browser's words, or why there is no verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// Counts for one topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TopicCounts {
    /// Cases run.
    pub cases: usize,
    /// The browser accepted.
    pub accept: usize,
    /// The browser rejected.
    pub reject: usize,
    /// Verdicts the profile admits.
    pub agree: usize,
    /// Verdicts the profile does not admit.
    pub disagree: usize,
    /// Verdicts on cases the profile leaves `acceptable`.
    pub acceptable_settled: usize,
    /// Cases the browser cannot express.
    pub skipped: usize,
    /// Cases the oracle failed on.
    pub errors: usize,
}

/// A whole browser run, analysed.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The browser.
    pub browser: Browser,
    /// The browser version.
    pub version: String,
    /// Totals over every topic.
    pub totals: TopicCounts,
    /// Per topic.
    pub topics: BTreeMap<String, TopicCounts>,
    /// Every disagreement with the profile.
    pub disagreements: Vec<Disagreement>,
    /// Every case whose recorded measurement the browser no longer reproduces.
    pub mismatches: Vec<Mismatch>,
    /// `acceptable` cases the browser settled, with its verdict.
    pub acceptable_settled: Vec<(String, Actual)>,
    /// Annotations for this browser whose case no longer disagrees (or did not run).
    pub stale_annotations: Vec<String>,
    /// Cases with a verdict and no recorded measurement for this browser.
    pub unrecorded: usize,
}

impl Analysis {
    /// Analyses `report` (one browser's run) against the corpus.
    pub fn new(
        corpus: &Corpus,
        report: &Report,
        browser: Browser,
        version: &str,
        annotations: &Annotations,
    ) -> Analysis {
        let mut a = Analysis {
            browser,
            version: version.to_owned(),
            totals: TopicCounts::default(),
            topics: BTreeMap::new(),
            disagreements: Vec::new(),
            mismatches: Vec::new(),
            acceptable_settled: Vec::new(),
            stale_annotations: Vec::new(),
            unrecorded: 0,
        };
        let profile = RunAs::Profile(browser.profile());
        for result in report.results.iter().filter(|r| r.profile == profile) {
            let topic = result.id.split_once("::").map_or("", |(t, _)| t).to_owned();
            let counts = a.topics.entry(topic).or_default();
            count(counts, result);
            count(&mut a.totals, result);
            if result.status == Status::Fail {
                let annotation = annotations.lookup(&result.id, browser);
                a.disagreements.push(Disagreement {
                    id: result.id.clone(),
                    expected: result.expected,
                    actual: result.actual,
                    explanation: result.explanation.clone(),
                    class: annotation.map_or(Class::Unclassified, |x| x.class),
                    note: annotation.map(|x| x.note.clone()),
                });
            }
            let verdict = result.actual.verdict();
            if result.expected == Outcome::Acceptable && verdict.is_some() {
                a.acceptable_settled
                    .push((result.id.clone(), result.actual));
            }
            match corpus.measurement(browser, &result.id) {
                Some(m) if Some(m.outcome) != verdict => a.mismatches.push(Mismatch {
                    id: result.id.clone(),
                    recorded: format!("{} (measured with {})", m.outcome, m.version),
                    now: result.actual,
                    explanation: result.explanation.clone(),
                }),
                Some(_) => {}
                None if verdict.is_some() => a.unrecorded += 1,
                None => {}
            }
        }
        a.stale_annotations = annotations
            .entries
            .iter()
            .filter(|x| x.browser == browser)
            .filter(|x| !a.disagreements.iter().any(|d| d.id == x.id))
            .map(|x| x.id.clone())
            .collect();
        a
    }

    /// Disagreements nobody has classified.
    pub fn unclassified(&self) -> usize {
        self.disagreements
            .iter()
            .filter(|d| d.class == Class::Unclassified)
            .count()
    }

    /// Every verdict of the run, as measurements to record.
    pub fn measurements(&self, records: &[CaseRecord]) -> Vec<NewMeasurement> {
        records
            .iter()
            .filter_map(|r| {
                let outcome = r.answer.verdict()?;
                let error = r
                    .page
                    .as_ref()
                    .and_then(|p| p.error_name())
                    .map(str::to_owned);
                Some(NewMeasurement {
                    id: r.id.clone(),
                    browser: self.browser,
                    version: self.version.clone(),
                    psl: self.browser.profile().psl_snapshot(),
                    outcome,
                    error,
                })
            })
            .collect()
    }
}

fn count(c: &mut TopicCounts, r: &CaseResult) {
    c.cases += 1;
    match r.actual {
        Actual::Accept => c.accept += 1,
        Actual::Reject => c.reject += 1,
        Actual::Skipped => c.skipped += 1,
        Actual::Error => c.errors += 1,
    }
    if r.actual.verdict().is_some() {
        match r.status {
            Status::Fail => c.disagree += 1,
            _ => c.agree += 1,
        }
        if r.expected == Outcome::Acceptable {
            c.acceptable_settled += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::Annotation;
    use rpscope_corpus::{Answer, Target};

    const TOPIC: &str = r#"kind = "client"
description = "d"

[[case]]
id = "t::agrees"
description = "d"
source = ["s"]
origin = "https://example.com"
expected = "accept"

[[case]]
id = "t::annotated-but-agrees"
description = "d"
source = ["s"]
origin = "https://example.com"
expected = "accept"

[[case]]
id = "t::disagrees"
description = "d"
source = ["s"]
origin = "https://example.com"
expected = "reject"

[[case]]
id = "t::measured-changed"
description = "d"
source = ["s"]
origin = "https://example.com"
expected = "acceptable"
note = "n"

[[case]]
id = "t::skipped"
description = "d"
source = ["s"]
origin = "null"
expected = "reject"
"#;

    /// Answers accept for every case but `t::skipped`.
    struct Fixed;

    impl Target for Fixed {
        fn name(&self) -> String {
            "fixed".into()
        }
        fn check_client(
            &mut self,
            case: &rpscope_corpus::ClientCase,
            _: &rpscope_core::Profile,
        ) -> Answer {
            if case.id == "t::skipped" {
                return Answer::Skipped("no page".into());
            }
            Answer::Verdict {
                verdict: rpscope_core::Verdict::Accept,
                reason: None,
                explanation: Some("created".into()),
            }
        }
    }

    fn corpus() -> Corpus {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("cases")).expect("cases dir");
        std::fs::write(dir.path().join("flags.toml"), "[flags]\n").expect("flags");
        std::fs::write(dir.path().join("cases/t.toml"), TOPIC).expect("topic");
        std::fs::create_dir_all(dir.path().join("measured")).expect("measured dir");
        std::fs::write(
            dir.path().join("measured/chromium.toml"),
            "browser = \"chromium\"\n[cases]\n\"t::agrees\" = { version = \"1\", psl = \"vendored\", outcome = \"accept\" }\n\"t::measured-changed\" = { version = \"1\", psl = \"vendored\", outcome = \"reject\" }\n",
        )
        .expect("measurements");
        Corpus::from_dir(dir.path()).expect("corpus loads")
    }

    fn analyse(annotations: &Annotations) -> Analysis {
        let corpus = corpus();
        let report = rpscope_corpus::run(
            &corpus,
            &mut Fixed,
            &rpscope_corpus::Selection {
                filter: None,
                profile: Some(rpscope_model::ProfileId::Chromium),
                side: Some(rpscope_corpus::Side::Client),
            },
            &rpscope_corpus::KnownDivergences::none(),
        );
        Analysis::new(&corpus, &report, Browser::Chromium, "2", annotations)
    }

    #[test]
    fn disagreements_are_listed_and_classified_from_annotations() {
        let annotations = Annotations {
            entries: vec![
                Annotation {
                    id: "t::annotated-but-agrees".into(),
                    browser: Browser::Chromium,
                    class: Class::BrowserBug,
                    note: "reported".into(),
                },
                Annotation {
                    id: "t::agrees".into(),
                    browser: Browser::Chromium,
                    class: Class::ProfileWrong,
                    note: "old".into(),
                },
            ],
        };
        // t::annotated-but-agrees expects accept and gets accept, so only
        // t::disagrees disagrees, and both annotations are stale.
        let a = analyse(&annotations);
        let ids: Vec<&str> = a.disagreements.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["t::disagrees"]);
        assert_eq!(a.disagreements[0].class, Class::Unclassified);
        assert_eq!(a.unclassified(), 1);
        assert_eq!(
            a.stale_annotations,
            vec!["t::annotated-but-agrees", "t::agrees"]
        );
    }

    #[test]
    fn a_recorded_measurement_the_browser_no_longer_reproduces_is_a_mismatch() {
        let a = analyse(&Annotations::default());
        let ids: Vec<&str> = a.mismatches.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, vec!["t::measured-changed"]);
        assert_eq!(a.mismatches[0].now, Actual::Accept);
        assert!(a.mismatches[0].recorded.starts_with("reject"));
    }

    #[test]
    fn counts_settled_acceptable_cases_and_unrecorded_verdicts() {
        let a = analyse(&Annotations::default());
        assert_eq!(a.totals.cases, 5);
        assert_eq!(a.totals.accept, 4);
        assert_eq!(a.totals.skipped, 1);
        assert_eq!(a.totals.disagree, 1);
        assert_eq!(a.totals.agree, 3);
        assert_eq!(
            a.acceptable_settled,
            vec![("t::measured-changed".to_string(), Actual::Accept)]
        );
        assert_eq!(a.unrecorded, 2, "t::annotated-but-agrees and t::disagrees");
        assert_eq!(a.topics.get("t").map(|c| c.cases), Some(5));
    }
}
