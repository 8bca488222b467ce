//! Writing measured verdicts back into the corpus files, keeping their comments and
//! layout (`toml_edit`): only the `measured` key of the touched cases changes.
//!
//! A measurement is rewritten only when the outcome or error changed; a later run
//! that agrees leaves the file (and the version it was first measured with) alone, so
//! a browser update does not rewrite hundreds of lines. Generated topic files (whose
//! first line starts with `# Generated`) are not edited: their generator would drop the
//! field; their cases are listed as not recorded.

use rpscope_corpus::{MeasuredOutcome, TopicFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml_edit::{value, DocumentMut, InlineTable, Item, Value};

/// One verdict to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasurement {
    /// The case id.
    pub id: String,
    /// `chromium` or `firefox`.
    pub browser: &'static str,
    /// The browser version.
    pub version: String,
    /// What it decided.
    pub outcome: MeasuredOutcome,
    /// The error name it refused with, if any.
    pub error: Option<String>,
}

/// What recording did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Cases whose measurement was written (new or changed).
    pub written: Vec<String>,
    /// Cases whose recorded measurement already said the same.
    pub unchanged: usize,
    /// Cases in generated topic files, left alone.
    pub generated: Vec<String>,
    /// Files rewritten.
    pub files: Vec<PathBuf>,
}

/// Records `measurements` into `corpus_dir/cases/*.toml`.
pub fn record(corpus_dir: &Path, measurements: &[NewMeasurement]) -> Result<Recorded, String> {
    let mut by_id: HashMap<&str, Vec<&NewMeasurement>> = HashMap::new();
    for m in measurements {
        by_id.entry(m.id.as_str()).or_default().push(m);
    }
    let cases_dir = corpus_dir.join("cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .map_err(|e| format!("cannot read {}: {e}", cases_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut recorded = Recorded::default();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (new_text, written, unchanged, generated) =
            record_in(&text, &by_id).map_err(|e| format!("{}: {e}", path.display()))?;
        recorded.unchanged += unchanged;
        recorded.generated.extend(generated);
        if let Some(new_text) = new_text {
            toml::from_str::<TopicFile>(&new_text).map_err(|e| {
                format!("{}: the recorded file would not load: {e}", path.display())
            })?;
            std::fs::write(&path, new_text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            recorded.written.extend(written);
            recorded.files.push(path);
        }
    }
    Ok(recorded)
}

type Edit = (Option<String>, Vec<String>, usize, Vec<String>);

/// Records into one topic file's text; `None` when nothing changed.
pub fn record_in(text: &str, by_id: &HashMap<&str, Vec<&NewMeasurement>>) -> Result<Edit, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("not TOML: {e}"))?;
    let generated = text.starts_with("# Generated");
    let mut written = Vec::new();
    let mut unchanged = 0;
    let mut skipped = Vec::new();
    let Some(cases) = doc.get_mut("case").and_then(Item::as_array_of_tables_mut) else {
        return Ok((None, written, unchanged, skipped));
    };
    for case in cases.iter_mut() {
        let Some(id) = case.get("id").and_then(Item::as_str).map(str::to_owned) else {
            continue;
        };
        let Some(list) = by_id.get(id.as_str()) else {
            continue;
        };
        if generated {
            skipped.push(id);
            continue;
        }
        let mut changed = false;
        for m in list {
            let wanted = measurement_table(m);
            let measured = case
                .entry("measured")
                .or_insert_with(|| value(InlineTable::new()));
            let Some(table) = measured.as_table_like_mut() else {
                return Err(format!("case `{id}`: `measured` is not a table"));
            };
            let same = table
                .get(m.browser)
                .and_then(|current| current.as_table_like())
                .is_some_and(|current| {
                    current.get("outcome").and_then(Item::as_str) == Some(m.outcome.as_str())
                        && current.get("error").and_then(Item::as_str) == m.error.as_deref()
                });
            if same {
                unchanged += 1;
            } else {
                table.insert(m.browser, value(wanted));
                changed = true;
            }
        }
        if let Some(inline) = case.get_mut("measured").and_then(Item::as_inline_table_mut) {
            inline.sort_values();
            inline.fmt();
        }
        if changed {
            written.push(id);
        }
    }
    let new_text = (!written.is_empty()).then(|| doc.to_string());
    Ok((new_text, written, unchanged, skipped))
}

fn measurement_table(m: &NewMeasurement) -> Value {
    let mut t = InlineTable::new();
    t.insert("version", m.version.as_str().into());
    t.insert("outcome", m.outcome.as_str().into());
    if let Some(e) = &m.error {
        t.insert("error", e.as_str().into());
    }
    Value::InlineTable(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"kind = "client"
description = "d"

# A comment that must survive.
[[case]]
id = "t::one"
description = "x"
source = ["s"]
origin = "https://example.com"
expected = "accept"

[case.well_known]
status = 200
content_type = "application/json"
body = '{}'

[[case]]
id = "t::two"
description = "y"   # trailing comment
source = ["s"]
origin = "https://example.com"
expected = "reject"
measured = { firefox = { version = "153.7.0", outcome = "reject", error = "SecurityError" } }
"#;

    fn m(id: &str, outcome: MeasuredOutcome, error: Option<&str>) -> NewMeasurement {
        NewMeasurement {
            id: id.into(),
            browser: "chromium",
            version: "156.0.8078.79".into(),
            outcome,
            error: error.map(str::to_owned),
        }
    }

    fn run(text: &str, ms: &[NewMeasurement]) -> Edit {
        let mut by_id: HashMap<&str, Vec<&NewMeasurement>> = HashMap::new();
        for x in ms {
            by_id.entry(x.id.as_str()).or_default().push(x);
        }
        record_in(text, &by_id).expect("record")
    }

    #[test]
    fn writes_measurements_and_keeps_comments_and_other_browsers() {
        let (text, written, _, _) = run(
            FILE,
            &[
                m("t::one", MeasuredOutcome::Accept, None),
                m("t::two", MeasuredOutcome::Reject, Some("SecurityError")),
            ],
        );
        let text = text.expect("changed");
        assert_eq!(written, vec!["t::one", "t::two"]);
        assert!(text.contains("# A comment that must survive."));
        assert!(text.contains("# trailing comment"));
        let topic: TopicFile = toml::from_str(&text).expect("loads");
        let TopicFile::Client(topic) = topic else {
            panic!("client topic")
        };
        let one = topic.cases[0].measured.as_ref().expect("measured");
        assert_eq!(
            one.chromium.as_ref().map(|c| c.outcome),
            Some(MeasuredOutcome::Accept)
        );
        let two = topic.cases[1].measured.as_ref().expect("measured");
        assert!(two.firefox.is_some() && two.chromium.is_some());
        assert_eq!(
            topic.cases[0].well_known.as_ref().map(|w| w.status),
            Some(200)
        );
    }

    #[test]
    fn an_agreeing_measurement_leaves_the_file_alone() {
        let (text, _, _, _) = run(FILE, &[m("t::one", MeasuredOutcome::Accept, None)]);
        let text = text.expect("first write");
        let (again, written, unchanged, _) =
            run(&text, &[m("t::one", MeasuredOutcome::Accept, None)]);
        assert_eq!(again, None);
        assert!(written.is_empty());
        assert_eq!(unchanged, 1);
    }

    #[test]
    fn generated_files_are_not_edited() {
        let generated = format!("# Generated by a tool. Do not edit.\n{FILE}");
        let (text, _, _, skipped) = run(&generated, &[m("t::one", MeasuredOutcome::Accept, None)]);
        assert_eq!(text, None);
        assert_eq!(skipped, vec!["t::one"]);
    }
}
