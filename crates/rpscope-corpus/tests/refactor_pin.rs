//! Pins that moving profiles, results and PSL snapshots onto typed data changed no
//! verdict: every case under every profile gives the verdict and reason the built-in
//! core gave before (`data/verdicts-before-profile-registry.json`, written by the
//! release binary of the commit before the change with `rpscope conformance --format
//! json`, reduced to `[id, profile, actual, reason]`). Kept for the refactor only.

use rpscope_core::PslSnapshots;
use rpscope_corpus::{run, Builtin, Corpus, KnownDivergences, Selection};

#[test]
fn every_case_and_profile_decides_as_before_the_refactor() {
    let before: Vec<(String, String, String, Option<String>)> =
        serde_json::from_str(include_str!("data/verdicts-before-profile-registry.json"))
            .expect("the pinned report parses");
    let psl = PslSnapshots::builtin();
    let corpus = Corpus::embedded().expect("the corpus loads");
    let report = run(
        &corpus,
        &mut Builtin::new(&psl),
        &Selection::default(),
        &KnownDivergences::none(),
    );
    let now: Vec<(String, String, String, Option<String>)> = report
        .results
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                r.profile.to_string(),
                r.actual.to_string(),
                r.reason.map(|x| x.code().to_owned()),
            )
        })
        .collect();
    assert_eq!(now.len(), before.len(), "the number of results changed");
    let changed: Vec<String> = before
        .iter()
        .zip(&now)
        .filter(|(b, n)| b != n)
        .map(|(b, n)| format!("{b:?} -> {n:?}"))
        .collect();
    assert!(
        changed.is_empty(),
        "{} results changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
