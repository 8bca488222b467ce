//! The corpus itself: it loads, lints clean, conforms, matches its schema, and
//! its generated topic matches its source.

use rpscope_core::PslSnapshots;
use rpscope_corpus::{lint, run, schema, Builtin, Corpus, KnownDivergences, Selection, Status};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn embedded() -> Corpus {
    Corpus::embedded().unwrap_or_else(|errors| panic!("the corpus does not load: {errors:#?}"))
}

#[test]
fn the_embedded_corpus_is_the_one_on_disk() {
    let disk = Corpus::from_dir(&root().join("corpus")).expect("corpus/ loads");
    let names = |c: &Corpus| c.topics.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&embedded()), names(&disk));
    assert_eq!(embedded().len(), disk.len());
}

#[test]
fn the_corpus_lints_clean() {
    let findings = lint::lint(&embedded());
    assert!(
        findings.is_empty(),
        "corpus lint findings:\n{}",
        findings
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_builtin_core_conforms_to_every_case_under_every_profile() {
    let psl = PslSnapshots::builtin();
    let corpus = embedded();
    let report = run(
        &corpus,
        &mut Builtin::new(&psl),
        &Selection::default(),
        &KnownDivergences::none(),
    );
    let failures: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|r| {
            format!(
                "{} [{}]: {}",
                r.id,
                r.profile,
                r.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} results fail:\n{}",
        failures.len(),
        report.total,
        failures.join("\n")
    );
    assert_eq!(
        report.total,
        corpus.client_cases().count() * rpscope_core::ProfileId::ALL.len()
            + corpus.server_cases().count()
    );
}

#[test]
fn the_checked_in_schemas_match_the_types() {
    for (name, text) in schema::all() {
        let path = root().join("corpus/schema").join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "{} is stale: run `cargo run -p rpscope-cli -- corpus schema --write corpus/schema`",
            path.display()
        );
    }
}

#[test]
fn every_topic_file_validates_against_the_case_file_schema() {
    let schema_text =
        std::fs::read_to_string(root().join("corpus/schema/case-file.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let dir = root().join("corpus/cases");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = toml::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            path.display(),
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn a_report_validates_against_the_report_schema() {
    let psl = PslSnapshots::builtin();
    let report = run(
        &embedded(),
        &mut Builtin::new(&psl),
        &Selection {
            filter: Some("spec-examples::"),
            profile: None,
            side: None,
        },
        &KnownDivergences::none(),
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("corpus/schema/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value = serde_json::to_value(&report).unwrap();
    assert!(validator.is_valid(&value));
    // And the schema is not vacuous: a report without `results` is refused.
    let mut broken = value.clone();
    broken.as_object_mut().unwrap().remove("results");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn psl_tests_topic_is_generated_from_test_psl_txt() {
    let psl = PslSnapshots::builtin();
    let source = std::fs::read_to_string(root().join("data/psl/test_psl.txt")).unwrap();
    let generated = rpscope_corpus::psl_tests::import(&source, psl.current()).unwrap();
    let on_disk = std::fs::read_to_string(root().join("corpus/cases/psl-tests.toml")).unwrap();
    assert!(
        generated == on_disk,
        "corpus/cases/psl-tests.toml is stale: run `cargo run -p rpscope-cli -- corpus import-psl-tests data/psl/test_psl.txt > corpus/cases/psl-tests.toml`"
    );
}

/// Every browser profile is held to what its browser did: every verdict
/// `rpscope browser --record` wrote into `corpus/measured/` must be the verdict the
/// built-in core gives under that browser's profile. This runs without browsers,
/// so a profile change that contradicts a measurement fails `cargo test`.
#[test]
fn the_browser_profiles_agree_with_every_measured_verdict() {
    use rpscope_core::Profile;
    use rpscope_corpus::{Answer, Target};
    let psl = PslSnapshots::builtin();
    let corpus = embedded();
    // Measurements the profiles do not model yet, each with why; an entry that no
    // longer contradicts its profile fails the test, so the list cannot go stale.
    const KNOWN_GAPS: &[(&str, &str, &str)] = &[(
        "idna::invalid-punycode-caller",
        "chromium",
        "Chromium's URL parser loads https://xn--a.example.com, which the WHATWG parser (the url \
         crate, and so every profile) refuses; modelling it needs Chromium's own host parser",
    )];
    let mut target = Builtin::new(&psl);
    let mut checked = 0;
    let mut disagreements = Vec::new();
    let mut gaps_seen = Vec::new();
    for (_, case) in corpus.client_cases() {
        for (&browser, file) in &corpus.measured {
            let Some(m) = file.cases.get(&case.id) else {
                continue;
            };
            let profile = *Profile::get(browser.profile());
            let want = m.outcome;
            checked += 1;
            let known = KNOWN_GAPS
                .iter()
                .any(|(id, b, _)| *id == case.id && *b == browser.as_str());
            match target.check_client(case, &profile) {
                Answer::Verdict { verdict, .. } if verdict == want => {
                    if known {
                        disagreements.push(format!(
                            "{} [{}]: listed in KNOWN_GAPS but the profile agrees now: remove the entry",
                            case.id, profile.name()
                        ));
                    }
                }
                _ if known => gaps_seen.push(case.id.clone()),
                other => disagreements.push(format!(
                    "{} [{} {}]: measured {}, profile gives {other:?}",
                    case.id,
                    profile.name(),
                    m.version,
                    m.outcome
                )),
            }
        }
    }
    assert!(checked > 700, "only {checked} measurements");
    assert_eq!(
        gaps_seen.len(),
        KNOWN_GAPS.len(),
        "a KNOWN_GAPS entry names no measured case"
    );
    assert!(
        disagreements.is_empty(),
        "{} measured verdicts contradict their profile:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
