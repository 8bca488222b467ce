//! Snapshots of the built-in core's diagnostics for every corpus case, one file per
//! topic under `snapshots/corpus/`. They pin reason codes and explanations only:
//! whether a verdict conforms is decided by the case file (tests/corpus.rs), so
//! accepting a snapshot can never change what is conformant.

use rpscope_core::{Profile, PslSnapshots};
use rpscope_corpus::case::TopicFile;
use rpscope_corpus::{Answer, Builtin, Target};
use std::fmt::Write as _;
use std::path::Path;

const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/corpus");

fn line(out: &mut String, who: &str, answer: Answer) {
    let _ = match answer {
        Answer::Verdict {
            verdict,
            reason,
            explanation,
        } => writeln!(
            out,
            "  {who:<8} {verdict} {}: {}",
            reason.map(|r| r.code()).unwrap_or("-"),
            explanation.unwrap_or_default()
        ),
        other => writeln!(out, "  {who:<8} {other:?}"),
    };
}

#[test]
fn diagnostics() {
    let psl = PslSnapshots::builtin();
    insta::with_settings!({ snapshot_path => SNAPSHOTS, prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("../../../corpus/cases", "*.toml", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let mut out = String::new();
            let mut target = Builtin::new(&psl);
            match toml::from_str::<TopicFile>(&text).unwrap() {
                TopicFile::Client(topic) => {
                    for case in &topic.cases {
                        let _ = writeln!(out, "{}", case.id);
                        for profile in Profile::ALL {
                            line(&mut out, profile.name(), target.check_client(case, profile));
                        }
                    }
                }
                TopicFile::Server(topic) => {
                    for case in &topic.cases {
                        let _ = writeln!(out, "{}", case.id);
                        line(&mut out, "server", target.verify_server(case, None));
                    }
                }
            }
            insta::assert_snapshot!("diagnostics", out);
        });
    });
}

/// insta names glob snapshots `diagnostics@<file>.snap`; one whose topic file is
/// gone is unreferenced and must be deleted.
#[test]
fn no_snapshot_outlives_its_topic() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/cases");
    let Ok(entries) = std::fs::read_dir(SNAPSHOTS) else {
        return;
    };
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let topic_file = name
            .strip_prefix("diagnostics@")
            .and_then(|n| n.strip_suffix(".snap"))
            .unwrap_or_else(|| panic!("unexpected file snapshots/corpus/{name}"));
        assert!(
            cases.join(topic_file).is_file(),
            "snapshots/corpus/{name} has no topic file corpus/cases/{topic_file}: delete it"
        );
    }
}
