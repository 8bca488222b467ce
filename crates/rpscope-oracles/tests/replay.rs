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
    let seeds = generate(&corpus);
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

#[test]
fn every_target_has_a_fuzz_binary_and_a_dictionary() {
    let cargo = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    for (target, _) in TARGETS {
        assert!(
            root()
                .join("fuzz/fuzz_targets")
                .join(format!("{target}.rs"))
                .is_file(),
            "no fuzz/fuzz_targets/{target}.rs"
        );
        assert!(
            cargo.contains(&format!("name = \"{target}\"")),
            "fuzz/Cargo.toml lacks {target}"
        );
        assert!(
            root()
                .join("fuzz/dicts")
                .join(format!("{target}.dict"))
                .is_file(),
            "no fuzz/dicts/{target}.dict"
        );
    }
}
