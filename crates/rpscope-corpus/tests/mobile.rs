//! Every mobile association file case (`corpus/mobile/*.toml`) holds against the
//! built-in core, and the loader refuses malformed cases.

use rpscope_core::PublicSuffixList;
use rpscope_corpus::mobile::{embedded_topics, parse, run_case, topics_in};
use std::path::Path;

#[test]
fn every_mobile_case_holds() {
    let psl = PublicSuffixList::vendored();
    let topics = embedded_topics().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        topics.len() >= 2,
        "{:?}",
        topics.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, topic) in &topics {
        for case in &topic.cases {
            cases += 1;
            if let Err(why) = run_case(topic.file, case, &psl) {
                failures.push(format!("{name}: {}: {why}", case.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(cases >= 30, "{cases} cases");
}

#[test]
fn the_directory_and_the_embedded_copy_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/mobile");
    let from_dir = topics_in(&dir).unwrap_or_else(|e| panic!("{e}"));
    let embedded = embedded_topics().unwrap();
    let ids = |t: &[(String, rpscope_corpus::mobile::MobileTopic)]| -> Vec<String> {
        t.iter()
            .flat_map(|(_, t)| t.cases.iter().map(|c| c.id.clone()))
            .collect()
    };
    assert_eq!(ids(&from_dir), ids(&embedded));
}

#[test]
fn malformed_cases_are_refused_with_the_case_named() {
    let case = |extra: &str, served: &str| {
        format!("file = \"aasa\"\ndescription = \"d\"\n[[case]]\nid = \"t::a\"\ndescription = \"d\"\nsource = [\"s\"]\nfindings = []\npolicy = {{ rp_ids = [\"example.com\"], origins = [\"https://example.com\"] }}\n{extra}\n[case.served]\n{served}\n")
    };
    assert!(parse("t.toml", &case("", "body = \"{}\"")).is_ok());
    for (extra, served, want) in [
        ("", "body = \"{}\"\nbody_base64 = \"e30=\"", "one of"),
        ("", "body_base64 = \"!!\"", "not base64"),
        (
            "",
            "[case.served.generate]\nitem = \"xxxxxxxx\"\ncount = 100000000",
            "64 MiB",
        ),
        ("origins = []", "body = \"{}\"", "assetlinks"),
    ] {
        let err = parse("t.toml", &case(extra, served)).unwrap_err();
        assert!(err.to_string().contains(want), "{err}");
        assert_eq!(err.case.as_deref(), Some("t::a"));
    }
    let wrong_topic = case("", "body = \"{}\"").replace("t::a", "u::a");
    assert!(parse("t.toml", &wrong_topic)
        .unwrap_err()
        .to_string()
        .contains("must start with `t::`"));
    let unknown =
        case("", "body = \"{}\"").replace("findings = []", "findings = [\"no-such-code\"]");
    assert!(parse("t.toml", &unknown)
        .unwrap_err()
        .to_string()
        .contains("no lint code"));
}

#[test]
fn every_mobile_topic_validates_against_its_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/mobile-file.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("mobile")).unwrap() {
        let path = entry.unwrap().path();
        let value: serde_json::Value =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 2);
    // A case without `served` is refused by the schema.
    let bad = serde_json::json!({"file": "aasa", "description": "d", "case": [{"id": "x::y", "description": "d", "source": ["s"], "findings": [], "policy": {"rp_ids": ["a.com"], "origins": []}}]});
    assert!(validator.iter_errors(&bad).next().is_some());
}
