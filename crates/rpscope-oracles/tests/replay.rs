//! Every fuzz seed (`corpus/fuzz/<target>/`) and every minimised crash
//! (`fuzz/regressions/<target>/`) runs through its target's oracle in ordinary
//! `cargo test`, so a fixed crash stays fixed without a fuzzer.

use rpscope_corpus::seeds::{generate, SEEDED_TARGETS};
use rpscope_corpus::Corpus;
use rpscope_oracles::TARGETS;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && !p.ends_with("README.md"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_seed_and_regression_passes_its_oracle() {
    let mut ran = 0;
    for (target, oracle) in TARGETS {
        for dir in [
            root().join("corpus/fuzz").join(target),
            root().join("fuzz/regressions").join(target),
        ] {
            for path in files(&dir) {
                let bytes = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| oracle(&bytes));
                assert!(
                    outcome.is_ok(),
                    "{} fails the {target} oracle",
                    path.display()
                );
                ran += 1;
            }
        }
    }
    assert!(
        ran > 1000,
        "only {ran} inputs replayed: are the seeds missing?"
    );
}

#[test]
fn the_checked_in_seeds_are_generated_from_the_corpus() {
    let corpus = Corpus::embedded().expect("the corpus loads");
    let mobile = rpscope_corpus::mobile::embedded_topics().expect("the mobile topics load");
    let seeds = generate(&corpus, &mobile);
    for target in SEEDED_TARGETS {
        let dir = root().join("corpus/fuzz").join(target);
        let on_disk: Vec<String> = files(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let wanted: Vec<String> = seeds
            .get(target)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        assert!(
            on_disk == wanted,
            "corpus/fuzz/{target} is stale: run `cargo run -p rpscope-cli -- corpus fuzz-seeds corpus/fuzz`"
        );
    }
}

/// `TARGETS` is the one list of fuzz targets; everything else that names targets must
/// name exactly these: the cargo-fuzz binaries, their sources and dictionaries, the
/// nightly workflow's matrix, and the targets seeds are written for.
#[test]
fn every_list_of_fuzz_targets_is_targets() {
    let names: std::collections::BTreeSet<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
    let set = |it: Vec<String>| -> std::collections::BTreeSet<String> { it.into_iter().collect() };
    let wanted = set(names.iter().map(|s| s.to_string()).collect());

    let cargo: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap()).unwrap();
    let bins = cargo["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(set(bins), wanted, "fuzz/Cargo.toml [[bin]] names");

    let stems = |dir: &str, ext: &str| -> Vec<String> {
        files(&root().join(dir))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        set(stems("fuzz/fuzz_targets", "rs")),
        wanted,
        "fuzz/fuzz_targets/*.rs"
    );
    assert_eq!(
        set(stems("fuzz/dicts", "dict")),
        wanted,
        "fuzz/dicts/*.dict"
    );

    let nightly = std::fs::read_to_string(root().join(".github/workflows/nightly.yml")).unwrap();
    let matrix: Vec<String> = nightly
        .lines()
        .skip_while(|l| l.trim() != "target:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- ").map(str::to_owned))
        .collect();
    assert_eq!(set(matrix), wanted, "nightly.yml fuzz matrix");

    for target in SEEDED_TARGETS {
        assert!(names.contains(target), "seeds for unknown target {target}");
    }
}
