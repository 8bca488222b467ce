//! The results matrix (`rpscope matrix`, `docs/results.md`): how every adapted
//! library fares on the corpus, with each failure explained.
//!
//! A failure is classified by what the library did against what the corpus
//! expects: accepting what must be rejected is a **security finding** (another
//! site, scheme or port could use the RP's passkeys); rejecting what must be
//! accepted is an **interoperability finding** (real users cannot sign in); an
//! adapter crash or timeout is an **error**. Accepting a ceremony under a policy
//! the corpus says must be refused (an IP or a URL as RP ID, a malformed origin
//! entry) is counted apart: the library does not validate its configuration,
//! which matters, but no browser produces the values that would then match.

use crate::protocol::Implementation;
use rpscope_corpus::run::CaseResult;
use rpscope_corpus::{Class, Report, RunAs, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One adapter's run, or why it did not run.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The adapter's name in `adapters/adapters.toml`.
    pub name: String,
    /// What it ran, and the report; or why it could not start.
    pub outcome: Result<(Implementation, Report), String>,
}

/// Counts for one report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Results that conform.
    pub passed: usize,
    /// False accepts.
    pub false_accepts: usize,
    /// Accepts under a policy that must be refused.
    pub invalid_policy_accepted: usize,
    /// False rejects.
    pub false_rejects: usize,
    /// Errors.
    pub errors: usize,
    /// Skipped.
    pub skipped: usize,
}

impl Counts {
    /// The six counts as Markdown table cells, in the tables' column order
    /// (pass, false accepts, invalid policy accepted, false rejects, errors, skipped).
    pub fn cells(&self) -> String {
        format!(
            "{} | {} | {} | {} | {} | {}",
            self.passed,
            self.false_accepts,
            self.invalid_policy_accepted,
            self.false_rejects,
            self.errors,
            self.skipped
        )
    }

    /// Counts a report's results.
    pub fn of(report: &Report) -> Counts {
        Counts::of_results(&report.results)
    }

    /// Counts some results (one ceremony's, say).
    pub fn of_results<'r>(results: impl IntoIterator<Item = &'r CaseResult>) -> Counts {
        let mut c = Counts::default();
        for r in results {
            match (r.status, finding(r)) {
                (Status::Skip, _) => c.skipped += 1,
                (_, Some(Class::Security)) => c.false_accepts += 1,
                (_, Some(Class::Configuration)) => c.invalid_policy_accepted += 1,
                (_, Some(Class::Interoperability)) => c.false_rejects += 1,
                (_, Some(_)) => c.errors += 1,
                (_, None) => c.passed += 1,
            }
        }
        c
    }
}

/// Renders the matrix as Markdown: a summary table, then per library its
/// findings (one row per case, ceremonies merged) and its skips by reason.
pub fn render(entries: &[Entry], preamble: &str) -> String {
    let mut out = String::new();
    out.push_str(preamble);
    out.push_str("\n## Summary\n\n");
    out.push_str("| adapter | implementation | results | pass | false accepts (security) | invalid policy accepted | false rejects (interop) | errors | skipped |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for entry in entries {
        match &entry.outcome {
            Ok((implementation, report)) => {
                let c = Counts::of(report);
                let _ = writeln!(
                    out,
                    "| [{}](#{}) | {} {} ({}) | {} | {} |",
                    entry.name,
                    anchor(&entry.name),
                    implementation.name,
                    implementation.version,
                    implementation.language,
                    report.total,
                    c.cells()
                );
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "| [{}](#{}) | did not start: {} | | | | | | | |",
                    entry.name,
                    anchor(&entry.name),
                    cell(first_line(why))
                );
            }
        }
    }
    for entry in entries {
        let _ = write!(out, "\n## {}\n\n", entry.name);
        let (implementation, report) = match &entry.outcome {
            Ok(ok) => ok,
            Err(why) => {
                let _ = writeln!(out, "The adapter did not start:\n\n```text\n{why}\n```");
                continue;
            }
        };
        let _ = write!(
            out,
            "{} {} ({}){}.\n\n",
            implementation.name,
            implementation.version,
            implementation.language,
            implementation
                .homepage
                .as_deref()
                .map(|h| format!(", <{h}>"))
                .unwrap_or_default()
        );
        let profiles = {
            let mut p: Vec<RunAs> = Vec::new();
            for r in &report.results {
                if !p.contains(&r.profile) {
                    p.push(r.profile);
                }
            }
            p
        };
        if profiles.len() > 1 {
            out.push_str("| ceremony or profile | pass | false accepts | invalid policy accepted | false rejects | errors | skipped |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for p in profiles {
                let c = Counts::of_results(report.results.iter().filter(|r| r.profile == p));
                let _ = writeln!(out, "| {p} | {} |", c.cells());
            }
            out.push('\n');
        }
        let mut any = false;
        for class in [
            Class::Security,
            Class::Configuration,
            Class::Interoperability,
            Class::Error,
        ] {
            let rows = merged(report, class);
            if rows.is_empty() {
                continue;
            }
            any = true;
            let _ = write!(out, "### {} ({})\n\n", class.title(), rows.len());
            out.push_str("| case | ceremonies | expected | the library | why it matters |\n|---|---|---|---|---|\n");
            for (id, (profiles, result)) in rows {
                let why = describe(result);
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} |",
                    id,
                    profiles
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    result.expected.as_str(),
                    cell(&library_said(result)),
                    cell(&why)
                );
            }
            out.push('\n');
        }
        if !any {
            out.push_str("No findings: every case it ran conforms.\n\n");
        }
        let skips = skips_by_reason(report);
        if !skips.is_empty() {
            let _ = write!(
                out,
                "### Skipped ({} results)\n\n",
                Counts::of(report).skipped
            );
            out.push_str("| results | reason |\n|---:|---|\n");
            for (reason, n) in skips {
                let _ = writeln!(out, "| {n} | {} |", cell(&reason));
            }
            out.push('\n');
        }
    }
    out
}

/// Failing results of one kind, one row per case id (ceremonies merged), in corpus order.
/// A result's class when it fails the run (the matrix lists no known divergences).
fn finding(result: &CaseResult) -> Option<Class> {
    result.class.filter(|_| result.status.fails_run())
}

fn merged(report: &Report, class: Class) -> Vec<(String, (Vec<RunAs>, &CaseResult))> {
    let mut rows: Vec<(String, (Vec<RunAs>, &CaseResult))> = Vec::new();
    for r in report.results.iter().filter(|r| finding(r) == Some(class)) {
        match rows.iter_mut().find(|(id, _)| *id == r.id) {
            Some((_, (profiles, _))) => profiles.push(r.profile),
            None => rows.push((r.id.clone(), (vec![r.profile], r))),
        }
    }
    rows
}

fn skips_by_reason(report: &Report) -> Vec<(String, usize)> {
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for r in report.results.iter().filter(|r| r.status == Status::Skip) {
        let reason = r.explanation.clone().unwrap_or_default();
        *by.entry(reason).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = by.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

fn library_said(r: &CaseResult) -> String {
    match r.explanation.as_deref() {
        Some(e) if !e.is_empty() => format!("{}: {}", r.actual, truncate(e, 300)),
        _ => r.actual.to_string(),
    }
}

/// The case's description, its flags, and for `acceptable`-free cases the note.
/// What a case tests, the origin and policy origins it presented (server side), and its
/// flags: all carried by the result itself.
fn describe(result: &CaseResult) -> String {
    let mut text = result.description.clone();
    let p = &result.presented;
    if let Some(policy) = &p.policy {
        text.push_str(&format!(" (origin `{}`", p.origin));
        let origins = policy["origins"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if let Some(first) = origins.first().and_then(|o| o.as_str()) {
            text.push_str(&format!(", policy origins `{first}`"));
            if origins.len() > 1 {
                text.push_str(&format!(" and {} more", origins.len() - 1));
            }
        }
        text.push(')');
    }
    if !result.flags.is_empty() {
        text.push_str(&format!(" [{}]", result.flags.join(", ")));
    }
    text
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// Makes text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// GitHub's heading anchor for a simple name.
fn anchor(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rpscope_corpus::run::CaseResult;
    use rpscope_corpus::Outcome;

    fn result(
        id: &str,
        profile: &str,
        expected: Outcome,
        actual: &str,
        status: Status,
    ) -> CaseResult {
        let actual: rpscope_corpus::Actual =
            serde_json::from_value(serde_json::json!(actual)).expect("an actual");
        CaseResult {
            id: id.into(),
            profile: RunAs::from_name(profile).expect("a profile or ceremony"),
            description: String::new(),
            flags: Vec::new(),
            presented: Default::default(),
            class: Class::of(status, actual, expected, None),
            expected,
            expected_reason: None,
            actual,
            reason: None,
            explanation: Some(format!("{actual} because")),
            status,
            message: None,
        }
    }

    fn report(results: Vec<CaseResult>) -> Report {
        Report {
            target: "lib 1".into(),
            total: results.len(),
            passed: 0,
            failed: 0,
            skipped: 0,
            known_divergences: 0,
            stale_divergences: Vec::new(),
            results,
            stopped: None,
        }
    }

    #[test]
    fn failures_are_classified_and_ceremonies_merged() {
        let r = report(vec![
            result(
                "server-exact::http-presented-for-https-policy",
                "registration",
                Outcome::Reject,
                "accept",
                Status::Fail,
            ),
            result(
                "server-exact::http-presented-for-https-policy",
                "authentication",
                Outcome::Reject,
                "accept",
                Status::Fail,
            ),
            result(
                "server-exact::match",
                "registration",
                Outcome::Accept,
                "reject",
                Status::Fail,
            ),
            result(
                "server-exact::match",
                "authentication",
                Outcome::Accept,
                "accept",
                Status::Pass,
            ),
            result(
                "server-port::x",
                "registration",
                Outcome::Accept,
                "error",
                Status::Error,
            ),
            result(
                "server-port::y",
                "registration",
                Outcome::Accept,
                "skipped",
                Status::Skip,
            ),
            CaseResult {
                expected_reason: Some(rpscope_core::Reason::InvalidPolicy),
                class: Some(Class::Configuration),
                ..result(
                    "server-invalid-policy::z",
                    "registration",
                    Outcome::Reject,
                    "accept",
                    Status::Fail,
                )
            },
        ]);
        let c = Counts::of(&r);
        assert_eq!(
            c,
            Counts {
                passed: 1,
                false_accepts: 2,
                invalid_policy_accepted: 1,
                false_rejects: 1,
                errors: 1,
                skipped: 1
            }
        );
        let entries = vec![
            Entry {
                name: "lib".into(),
                outcome: Ok((
                    Implementation {
                        name: "lib".into(),
                        version: "1".into(),
                        language: "rust".into(),
                        homepage: None,
                    },
                    r,
                )),
            },
            Entry {
                name: "broken".into(),
                outcome: Err("cannot start: no such file".into()),
            },
        ];
        let md = render(&entries, "# Results\n");
        assert!(
            md.contains("| [lib](#lib) | lib 1 (rust) | 7 | 1 | 2 | 1 | 1 | 1 | 1 |"),
            "{md}"
        );
        assert!(md.contains("### Security findings: accepted what must be rejected (1)"));
        assert!(md.contains(
            "| `server-exact::http-presented-for-https-policy` | registration, authentication | reject | accept: accept because |"
        ), "{md}");
        assert!(md.contains(
            "### Configuration not validated: accepted under a policy that must be refused (1)"
        ));
        assert!(md.contains("### Interoperability findings: rejected what must be accepted (1)"));
        assert!(md.contains("did not start: cannot start: no such file"));
        assert!(md.contains("| 1 | skipped because |"));
    }
}
