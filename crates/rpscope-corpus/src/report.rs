//! Rendering a [`Report`]: human text, JSON, JUnit XML, Markdown.

use crate::run::{CaseResult, Report, RunAs, Status};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The report formats `rpscope conformance --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A summary and every non-passing result, for people.
    Human,
    /// The whole report as one JSON document (schema: `corpus/schema/report.schema.json`).
    Json,
    /// JUnit XML, one test suite per profile, one test case per case id.
    Junit,
    /// A Markdown summary for a CI step summary.
    Markdown,
}

impl Format {
    /// Parses a format name.
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "human" => Format::Human,
            "json" => Format::Json,
            "junit" => Format::Junit,
            "markdown" => Format::Markdown,
            _ => return None,
        })
    }
}

/// Renders a report.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Human => human(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
        Format::Junit => junit(report),
        Format::Markdown => markdown(report),
    }
}

fn summary_line(r: &Report) -> String {
    format!(
        "{} results: {} passed, {} failed, {} skipped, {} known divergences",
        r.total, r.passed, r.failed, r.skipped, r.known_divergences
    )
}

fn human(r: &Report) -> String {
    let mut out = String::new();
    for res in r.results.iter().filter(|res| res.status != Status::Pass) {
        let _ = writeln!(
            out,
            "{:<16} {} [{}]: expected {}{}, got {}{}",
            format!("{:?}", res.status).to_lowercase(),
            res.id,
            res.profile,
            res.expected.as_str(),
            res.expected_reason
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            res.actual,
            res.reason.map(|r| format!(" ({r})")).unwrap_or_default(),
        );
        if let Some(m) = &res.message {
            let _ = writeln!(out, "                 {m}");
        }
        if let Some(e) = &res.explanation {
            let _ = writeln!(out, "                 {e}");
        }
    }
    for id in &r.stale_divergences {
        let _ = writeln!(out, "stale divergence {id}: the known-divergence file names a case the corpus does not have");
    }
    let verdict = if r.conforms() {
        "conforms"
    } else {
        "DOES NOT CONFORM"
    };
    let _ = writeln!(out, "{}: {verdict}", r.target);
    let _ = writeln!(out, "{}", summary_line(r));
    out
}

fn junit(r: &Report) -> String {
    let mut by_profile: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for res in &r.results {
        by_profile
            .entry(res.profile.as_str())
            .or_default()
            .push(res);
    }
    let mut report = quick_junit::Report::new(format!("rpscope conformance ({})", r.target));
    for (profile, results) in by_profile {
        let mut suite = TestSuite::new(format!("rpscope.{profile}"));
        for res in results {
            let status = match res.status {
                Status::Pass | Status::KnownDivergence => TestCaseStatus::success(),
                Status::Skip => {
                    let mut s = TestCaseStatus::skipped();
                    if let Some(e) = &res.explanation {
                        s.set_message(e.clone());
                    }
                    s
                }
                Status::Fail | Status::UnexpectedPass => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(res.message.clone().unwrap_or_default());
                    s.set_type(format!("{:?}", res.status).to_lowercase());
                    if let Some(e) = &res.explanation {
                        s.set_description(e.clone());
                    }
                    s
                }
                Status::Error => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                    s.set_message(res.explanation.clone().unwrap_or_default());
                    s
                }
            };
            let mut case = TestCase::new(res.id.clone(), status);
            case.set_classname(format!(
                "{profile}.{}",
                res.id.split("::").next().unwrap_or("")
            ));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- could not render JUnit XML: {e} -->\n"))
}

fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let badge = if r.conforms() {
        "✅ conforms"
    } else {
        "❌ does not conform"
    };
    let _ = writeln!(out, "## rpscope conformance: `{}` {badge}\n", r.target);
    let _ = writeln!(
        out,
        "| profile | total | passed | failed | skipped | known divergences |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    let mut profiles: Vec<RunAs> = r.results.iter().map(|x| x.profile).collect();
    profiles.sort_by_key(|p| p.as_str());
    profiles.dedup();
    for p in profiles {
        let of = |pred: &dyn Fn(&CaseResult) -> bool| {
            r.results
                .iter()
                .filter(|x| x.profile == p && pred(x))
                .count()
        };
        let _ = writeln!(
            out,
            "| {p} | {} | {} | {} | {} | {} |",
            of(&|_| true),
            of(&|x| x.status == Status::Pass),
            of(&|x| x.status.fails_run()),
            of(&|x| x.status == Status::Skip),
            of(&|x| x.status == Status::KnownDivergence),
        );
    }
    let failing: Vec<_> = r.results.iter().filter(|x| x.status.fails_run()).collect();
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n### Failures\n\n| case | profile | expected | actual | why |\n|---|---|---|---|---|"
        );
        for x in failing {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                x.id,
                x.profile,
                x.expected.as_str(),
                x.actual,
                x.message
                    .as_deref()
                    .or(x.explanation.as_deref())
                    .unwrap_or("")
                    .replace('|', "\\|")
                    .replace('\n', " ")
            );
        }
    }
    if !r.stale_divergences.is_empty() {
        let _ = writeln!(out, "\n### Stale known divergences\n");
        for id in &r.stale_divergences {
            let _ = writeln!(out, "- `{id}`");
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(r));
    out
}
