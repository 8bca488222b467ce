//! Rendering a [`Report`]: human text, JSON, JUnit XML, Markdown.

use crate::run::{CaseResult, Class, Presented, Report, RunAs, Status};
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

/// How much the human report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// The summary lines only.
    Quiet,
    /// Failures grouped by class (security first), known divergences, skips counted by
    /// reason, the summary.
    #[default]
    Normal,
    /// As `Normal`, and every skipped result with its reason.
    Verbose,
}

/// Renders a report with the normal level of detail.
pub fn render(report: &Report, format: Format) -> String {
    render_detailed(report, format, Detail::Normal)
}

/// Renders a report; `detail` applies to the human format (the others carry everything).
pub fn render_detailed(report: &Report, format: Format, detail: Detail) -> String {
    match format {
        Format::Human => human(report, detail),
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

/// The input a result was about, on one line: what was presented, and the policy.
pub fn presented_line(p: &Presented) -> String {
    let mut out = format!("origin {}", p.origin);
    if let Some(rp_id) = &p.rp_id {
        let _ = write!(out, ", RP ID {rp_id}");
    }
    if let Some(w) = &p.well_known {
        let _ = write!(
            out,
            ", well-known {} `{}` {} bytes",
            w.status, w.content_type, w.bytes
        );
        if !w.redirects.is_empty() {
            let _ = write!(out, " via {}", w.redirects.join(" -> "));
        }
    }
    if let Some(c) = p.cross_origin {
        let _ = write!(out, ", crossOrigin {c}");
    }
    if let Some(t) = &p.top_origin {
        let _ = write!(out, ", topOrigin {t}");
    }
    match (&p.rp_id_hash_of, &p.rp_id_hash) {
        (Some(of), _) => {
            let _ = write!(out, ", rpIdHash SHA-256({of:?})");
        }
        (None, Some(h)) => {
            let _ = write!(out, ", rpIdHash {h}");
        }
        (None, None) => {}
    }
    if let Some(policy) = &p.policy {
        let _ = write!(out, "; policy {policy}");
    }
    out
}

fn verdict_with_reason(verdict: &str, reason: Option<rpscope_core::Reason>) -> String {
    match reason {
        Some(r) => format!("{verdict} ({r})"),
        None => verdict.to_owned(),
    }
}

/// Results that fail the run (or are excused), one group per case and class, most
/// serious class first, in corpus order within a class.
fn grouped(r: &Report, pick: impl Fn(&CaseResult) -> bool) -> Vec<(Class, Vec<&CaseResult>)> {
    let mut groups: Vec<(Class, Vec<&CaseResult>)> = Vec::new();
    for res in r.results.iter().filter(|x| pick(x)) {
        let class = res.class.unwrap_or(Class::Error);
        match groups
            .iter_mut()
            .find(|(c, g)| *c == class && g[0].id == res.id)
        {
            Some((_, g)) => g.push(res),
            None => groups.push((class, vec![res])),
        }
    }
    groups.sort_by_key(|(c, _)| c.rank());
    groups
}

fn human(r: &Report, detail: Detail) -> String {
    let mut out = String::new();
    if detail != Detail::Quiet && r.failed > 0 {
        // The first line of a red run says what kind of red it is.
        let mut by_class: Vec<String> = Vec::new();
        for class in Class::ALL {
            let n = r
                .results
                .iter()
                .filter(|x| x.status.fails_run() && x.class == Some(*class))
                .count();
            if n > 0 {
                by_class.push(format!("{n} {class}"));
            }
        }
        let _ = writeln!(
            out,
            "{}: DOES NOT CONFORM: {} failing results ({})",
            r.target,
            r.failed,
            by_class.join(", ")
        );
    }
    if detail != Detail::Quiet {
        let failing = grouped(r, |x| x.status.fails_run());
        let mut current = None;
        for (class, group) in &failing {
            if current != Some(*class) {
                let n = failing.iter().filter(|(c, _)| c == class).count();
                let _ = writeln!(out, "\n{} ({n})", class.title());
                current = Some(*class);
            }
            human_group(&mut out, group);
        }
        let excused = grouped(r, |x| x.status == Status::KnownDivergence);
        if !excused.is_empty() {
            let _ = writeln!(out, "\nKnown divergences, excused ({})", excused.len());
            for (_, group) in &excused {
                human_group(&mut out, group);
            }
        }
        for id in &r.stale_divergences {
            let _ = writeln!(out, "stale divergence {id}: the known-divergence file names a case the corpus does not have");
        }
        skips(&mut out, r, detail);
    }
    if let Some(why) = &r.stopped {
        let _ = writeln!(out, "the run stopped early: {why}");
    }
    let verdict = if r.conforms() {
        "conforms"
    } else {
        "DOES NOT CONFORM"
    };
    let _ = writeln!(out, "{}: {verdict}", r.target);
    let _ = writeln!(out, "{}", summary_line(r));
    out.trim_start_matches('\n').to_owned()
}

/// One case's results of one class: where, what was presented, expected and actual.
fn human_group(out: &mut String, group: &[&CaseResult]) {
    let first = group[0];
    let runs: Vec<&str> = group.iter().map(|x| x.profile.as_str()).collect();
    let _ = writeln!(out, "  {} [{}]", first.id, runs.join(", "));
    let _ = writeln!(
        out,
        "    expected {}, got {}",
        verdict_with_reason(first.expected.as_str(), first.expected_reason),
        verdict_with_reason(first.actual.as_str(), first.reason)
    );
    let _ = writeln!(out, "    presented: {}", presented_line(&first.presented));
    if !first.description.is_empty() {
        let _ = writeln!(out, "    case: {}", first.description);
    }
    let said = |x: &CaseResult| -> Vec<String> {
        x.message
            .iter()
            .chain(&x.explanation)
            .map(|l| l.to_owned())
            .collect()
    };
    let same = group.iter().all(|x| said(x) == said(first));
    for x in group {
        for line in said(x) {
            match same {
                true => {
                    let _ = writeln!(out, "    {line}");
                }
                false => {
                    let _ = writeln!(out, "    {}: {line}", x.profile);
                }
            }
        }
        if same {
            break;
        }
    }
}

/// Skipped results: counted per reason, or each listed with `Verbose`.
fn skips(out: &mut String, r: &Report, detail: Detail) {
    let skipped: Vec<&CaseResult> = r
        .results
        .iter()
        .filter(|x| x.status == Status::Skip)
        .collect();
    if skipped.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nSkipped ({})", skipped.len());
    if detail == Detail::Verbose {
        for x in &skipped {
            let _ = writeln!(
                out,
                "  {} [{}]: {}",
                x.id,
                x.profile,
                x.explanation.as_deref().unwrap_or("")
            );
        }
        return;
    }
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &skipped {
        *by_reason
            .entry(x.explanation.as_deref().unwrap_or("no reason given"))
            .or_default() += 1;
    }
    let mut counted: Vec<(&str, usize)> = by_reason.into_iter().collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (why, n) in counted {
        let _ = writeln!(out, "  {n:>5}  {why}");
    }
    let _ = writeln!(out, "  (--verbose lists each)");
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
                Status::Fail | Status::UnexpectedPass | Status::Error => {
                    let kind = if res.status == Status::Error {
                        NonSuccessKind::Error
                    } else {
                        NonSuccessKind::Failure
                    };
                    let class = res.class.unwrap_or(Class::Error);
                    let mut s = TestCaseStatus::non_success(kind);
                    s.set_message(format!(
                        "[{class}] {}: expected {}, got {}",
                        res.presented.origin,
                        verdict_with_reason(res.expected.as_str(), res.expected_reason),
                        verdict_with_reason(res.actual.as_str(), res.reason)
                    ));
                    s.set_type(class.as_str());
                    let mut body = format!(
                        "{}\npresented: {}\n",
                        res.description,
                        presented_line(&res.presented)
                    );
                    for line in res.message.iter().chain(&res.explanation) {
                        let _ = writeln!(body, "{line}");
                    }
                    s.set_description(body);
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
    let failing = grouped(r, |x| x.status.fails_run());
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n### Failures, most serious first\n\n| class | case | runs | presented | expected | actual | why |\n|---|---|---|---|---|---|---|"
        );
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        for (class, group) in failing {
            let x = group[0];
            let runs: Vec<&str> = group.iter().map(|g| g.profile.as_str()).collect();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} | {} |",
                class,
                x.id,
                runs.join(", "),
                cell(&presented_line(&x.presented)),
                verdict_with_reason(x.expected.as_str(), x.expected_reason),
                verdict_with_reason(x.actual.as_str(), x.reason),
                cell(
                    x.message
                        .as_deref()
                        .or(x.explanation.as_deref())
                        .unwrap_or("")
                )
            );
        }
    }
    if let Some(why) = &r.stopped {
        let _ = writeln!(
            out,
            "\n**The run stopped early:** {}",
            why.replace('|', "\\|")
        );
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
