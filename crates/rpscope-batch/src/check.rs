//! `check` lines: one client-side question per JSON line, one verdict line back.

use crate::jsonl::LineError;
use rpscope_core::client::{check, snapshot_note, ClientRequest, ClientVerdict};
use rpscope_core::{Profile, ProfileId, PslSnapshots, WellKnown};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The JSON form of a verdict: one `--batch` output line, or `check --json`.
#[derive(Serialize)]
pub struct VerdictLine<'a> {
    id: Option<&'a str>,
    verdict: &'static str,
    reason: &'static str,
    rp_id: Option<&'a str>,
    profile: &'static str,
    explanation: String,
}

impl<'a> VerdictLine<'a> {
    /// The line for a verdict decided under `profile`, with the request's `id`
    /// when it had one.
    pub fn new(id: Option<&'a str>, profile: &Profile, v: &'a ClientVerdict) -> Self {
        VerdictLine {
            id,
            verdict: v.verdict().as_str(),
            reason: v.reason().code(),
            rp_id: v.rp_id(),
            profile: profile.name(),
            explanation: v.explanation().to_string(),
        }
    }

    /// The line with a note appended to its explanation (a verdict that hangs on the
    /// profile's snapshot of the Public Suffix List).
    pub fn with_note(mut self, note: Option<&dyn std::fmt::Display>) -> Self {
        if let Some(note) = note {
            self.explanation = format!("{} ({note})", self.explanation);
        }
        self
    }
}

/// One `--batch` input line. Unknown keys are ignored.
#[derive(Deserialize)]
struct CheckLine<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    origin: Cow<'a, str>,
    #[serde(default, borrow)]
    rp_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    profile: Option<Cow<'a, str>>,
    #[serde(default)]
    well_known: Option<WellKnown>,
}

/// Resolves a profile name, with the list of names in the error.
pub fn profile_named(name: &str) -> Result<Profile, String> {
    Profile::by_name(name).ok_or_else(|| {
        format!(
            "unknown profile `{name}` (expected one of: {})",
            ProfileId::names(", ")
        )
    })
}

/// Decides one batch line under the `spec` profile unless the line names one,
/// and writes its verdict line (without newline).
pub fn handle_line(text: &str, psl: &PslSnapshots, answer: &mut Vec<u8>) -> Result<(), LineError> {
    handle_line_as(text, &Profile::SPEC, psl, answer)
}

/// Decides one batch line under `default` unless the line names a profile
/// (`rpscope check --batch --profile P`), and writes its verdict line (without
/// newline); the line says which profile decided.
pub fn handle_line_as(
    text: &str,
    default: &Profile,
    psl: &PslSnapshots,
    answer: &mut Vec<u8>,
) -> Result<(), LineError> {
    let line: CheckLine<'_> =
        serde_json::from_str(text).map_err(|e| LineError(format!("not a check request: {e}")))?;
    let profile = match line.profile.as_deref() {
        None => *default,
        Some(name) => profile_named(name).map_err(LineError)?,
    };
    let request = ClientRequest::new(
        &line.origin,
        line.rp_id.as_deref(),
        line.well_known.as_ref(),
    );
    let v = check(&request, &profile, psl.for_profile(&profile));
    let note = snapshot_note(&request, &profile, &v, psl);
    let out = VerdictLine::new(line.id.as_deref(), &profile, &v)
        .with_note(note.as_ref().map(|n| n as &dyn std::fmt::Display));
    serde_json::to_writer(answer, &out)
        .map_err(|e| LineError(format!("could not write the verdict: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Result<serde_json::Value, String> {
        line_as(text, &Profile::SPEC)
    }

    fn line_as(text: &str, default: &Profile) -> Result<serde_json::Value, String> {
        let psl = PslSnapshots::builtin();
        let mut out = Vec::new();
        handle_line_as(text, default, &psl, &mut out).map_err(|e| e.0)?;
        Ok(serde_json::from_slice(&out).unwrap())
    }

    #[test]
    fn the_default_profile_decides_lines_that_name_none() {
        // http on a *.localhost name: Chromium allows it, the spec does not.
        let text = r#"{"origin":"http://app.localhost:3000"}"#;
        let spec = line(text).unwrap();
        assert_eq!(
            (&spec["verdict"], &spec["profile"]),
            (&"reject".into(), &"spec".into())
        );
        let chromium = line_as(text, &Profile::CHROMIUM).unwrap();
        assert_eq!(
            (&chromium["verdict"], &chromium["profile"]),
            (&"accept".into(), &"chromium".into())
        );
        // A line's own profile wins over the default.
        let named = r#"{"origin":"http://app.localhost:3000","profile":"spec"}"#;
        let v = line_as(named, &Profile::CHROMIUM).unwrap();
        assert_eq!(
            (&v["verdict"], &v["profile"]),
            (&"reject".into(), &"spec".into())
        );
    }

    #[test]
    fn a_minimal_line_uses_the_default_rp_id_and_profile() {
        let v = line(r#"{"origin":"https://login.example.com","extra":[1,2]}"#).unwrap();
        assert_eq!(v["id"], serde_json::Value::Null);
        assert_eq!(v["verdict"], "accept");
        assert_eq!(v["reason"], "rp-id-equals-host");
        assert_eq!(v["rp_id"], "login.example.com");
        assert_eq!(v["profile"], "spec");
    }

    #[test]
    fn well_known_and_profile_are_used() {
        let text = r#"{"id":"ror","origin":"https://example.co.uk","rp_id":"example.com","profile":"chromium","well_known":{"status":204,"content_type":"application/json","body":"{\"origins\":[\"https://example.co.uk\"]}"}}"#;
        let v = line(text).unwrap();
        assert_eq!(v["id"], "ror");
        assert_eq!(v["reason"], "related-origins-match");
        let spec = text.replace("chromium", "spec");
        assert_eq!(line(&spec).unwrap()["reason"], "related-origins-bad-status");
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        assert!(line(r#"{"rp_id":"example.com"}"#)
            .unwrap_err()
            .contains("missing field `origin`"));
        assert!(line(r#"{"origin":"https://a.com","profile":"safari"}"#)
            .unwrap_err()
            .contains("unknown profile `safari`"));
        assert!(
            line(r#"{"origin":"https://a.com","well_known":{"status":70000,"body":""}}"#).is_err()
        );
        assert!(line(r#"{"origin":7}"#).is_err());
        assert!(line("[]").is_err());
    }

    /// A verdict that hangs on Chromium's snapshot of the list says so, with the rule;
    /// the same line under the spec profile carries no note.
    #[test]
    fn a_line_decided_by_a_lagging_snapshot_names_the_rule() {
        let lists = PslSnapshots::builtin();
        let rule = lists
            .record(rpscope_core::PslSnapshotId::Chromium156)
            .and_then(|r| {
                r.lacks
                    .iter()
                    .find(|c| c.rule.is_ascii() && !c.rule.starts_with(['*', '!']))
            })
            .map(|c| c.rule.clone())
            .expect("the measured Chromium snapshot lacks a plain rule");
        let text = format!(r#"{{"origin":"https://a.{rule}","rp_id":"{rule}"}}"#);
        let chromium = line_as(&text, &Profile::CHROMIUM).unwrap();
        assert_eq!(chromium["verdict"], "accept");
        let explanation = chromium["explanation"].as_str().unwrap();
        assert!(
            explanation.contains(&format!("Chromium 156's list has no rule `{rule}`")),
            "{explanation}"
        );
        let spec = line(&text).unwrap();
        assert_eq!(spec["verdict"], "reject");
        assert!(!spec["explanation"]
            .as_str()
            .unwrap()
            .contains("list has no rule"));
    }
}
