//! `rpscope corpus lint`: the rules every case must keep.

use crate::case::{AnyCase, ClientCase, Outcome, ServerCase};
use crate::load::Corpus;
use rpscope_model::ProfileId;
use std::collections::BTreeMap;
use std::fmt;

/// One problem found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file.
    pub file: String,
    /// The case id, when the problem is in a case.
    pub id: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}: {id}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Checks ids (form, topic, uniqueness), descriptions, sources, flags, notes on
/// `acceptable`, and that every expected reason agrees with its expected verdict.
///
/// Schema validity is checked by loading: the loader deserialises with the same
/// types the schema is generated from, refusing unknown fields.
pub fn lint(corpus: &Corpus) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for topic in &corpus.topics {
        if !is_kebab(&topic.name) {
            findings.push(Finding {
                file: topic.origin.clone(),
                id: None,
                message: format!("the topic name `{}` is not kebab-case", topic.name),
            });
        }
        if let crate::case::TopicFile::Client(file) = &topic.file {
            for (profile, default) in &file.profile_default {
                if default.note.trim().is_empty() {
                    findings.push(Finding {
                        file: topic.origin.clone(),
                        id: None,
                        message: format!(
                            "`[profile_default.{profile}]` needs a `note` saying why every case it covers expects `{}`",
                            default.expected
                        ),
                    });
                }
            }
        }
        let cases = corpus.cases_of(topic);
        if cases.is_empty() {
            findings.push(Finding {
                file: topic.origin.clone(),
                id: None,
                message: "the topic has no cases".into(),
            });
        }
        for case in cases {
            let mut problem = |message: String| {
                findings.push(Finding {
                    file: topic.origin.clone(),
                    id: Some(case.id().to_owned()),
                    message,
                })
            };
            if let Some(previous) = seen.insert(case.id(), &topic.origin) {
                problem(format!("duplicate id (also in {previous})"));
            }
            check_common(case, &topic.name, &corpus.flags, &mut problem);
            match case {
                AnyCase::Client(c) => check_client(c, &mut problem),
                AnyCase::Server(c) => check_server(c, &mut problem),
            }
        }
    }
    findings
}

fn check_common(
    case: AnyCase<'_>,
    topic: &str,
    flags: &BTreeMap<String, String>,
    problem: &mut impl FnMut(String),
) {
    match case.id().split_once("::") {
        Some((t, name)) if t == topic && is_kebab(name) => {}
        Some((t, _)) if t != topic => problem(format!(
            "the id must start with `{topic}::` (the file's topic)"
        )),
        _ => problem(format!(
            "the id must be `{topic}::<name>` with a kebab-case name"
        )),
    }
    if case.description().trim().is_empty() {
        problem("the description is empty".into());
    }
    if case.source().is_empty() || case.source().iter().any(|s| s.trim().is_empty()) {
        problem("every case needs at least one non-empty source".into());
    }
    let mut seen_flags = Vec::new();
    for flag in case.flags() {
        if !flags.contains_key(flag) {
            problem(format!("unknown flag `{flag}` (add it to corpus/flags.toml with a description, or fix the spelling)"));
        }
        if seen_flags.contains(&flag) {
            problem(format!("flag `{flag}` is listed twice"));
        }
        seen_flags.push(flag);
    }
}

fn has_flag(flags: &[String], f: &str) -> bool {
    flags.iter().any(|x| x == f)
}

fn needs_note(any_acceptable: bool, note: Option<&str>, problem: &mut impl FnMut(String)) {
    if any_acceptable && note.is_none_or(|n| n.trim().is_empty()) {
        problem(
            "an `acceptable` expectation needs a `note` saying why either verdict conforms".into(),
        );
    }
}

fn reason_fits(
    who: &str,
    outcome: Outcome,
    reason: rpscope_core::Reason,
    problem: &mut impl FnMut(String),
) {
    match outcome {
        Outcome::Acceptable => problem(format!(
            "{who}expects `acceptable`, so it cannot name the reason `{reason}`"
        )),
        o if o.as_str() != reason.verdict().as_str() => problem(format!(
            "{who}expects `{}`, but the reason `{reason}` means `{}`",
            o.as_str(),
            reason.verdict()
        )),
        _ => {}
    }
}

fn check_client(case: &ClientCase, problem: &mut impl FnMut(String)) {
    if case.well_known.is_some() && !has_flag(&case.flags, "related-origins") {
        problem("a case with `well_known` must carry the `related-origins` flag".into());
    }
    // `acceptable` claims no divergence: only decided outcomes that differ do.
    let decided = || {
        ProfileId::ALL
            .iter()
            .filter_map(|&p| case.expected.get(p))
            .filter(|&o| o != Outcome::Acceptable)
    };
    let diverges = decided().any(|o| decided().any(|other| other != o));
    if diverges && !has_flag(&case.flags, "browser-divergence") {
        problem(
            "profiles expect different verdicts (accept and reject), so the case must carry `browser-divergence`"
                .into(),
        );
    }
    let mut any_acceptable = false;
    for &profile in ProfileId::ALL {
        let outcome = case.expected.get(profile).unwrap_or(Outcome::Acceptable);
        any_acceptable |= outcome == Outcome::Acceptable;
        if let Some(reason) = case.reason.as_ref().and_then(|r| r.get(profile)) {
            if !rpscope_core::Reason::CLIENT.contains(&reason) {
                problem(format!(
                    "`{reason}` is a server-side reason code; a client case cannot give it"
                ));
            }
            reason_fits(&format!("`{profile}` "), outcome, reason, problem);
        }
    }
    needs_note(any_acceptable, case.note.as_deref(), problem);
}

fn check_server(case: &ServerCase, problem: &mut impl FnMut(String)) {
    if let Some(reason) = case.reason {
        if !rpscope_core::Reason::SERVER.contains(&reason) {
            problem(format!(
                "`{reason}` is a client-side reason code; a server case cannot give it"
            ));
        }
        reason_fits("the case ", case.expected, reason, problem);
    }
    if let Err(e) = case.rp_id_hash_bytes() {
        problem(e);
    }
    needs_note(
        case.expected == Outcome::Acceptable,
        case.note.as_deref(),
        problem,
    );
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
