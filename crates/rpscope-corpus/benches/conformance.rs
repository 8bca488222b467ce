//! The whole corpus against the built-in core (goal: under one second, release, one core).
//!
//! Run: `cargo bench -p rpscope-corpus --bench conformance`. Figures: docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, Criterion};
use rpscope_core::PslSnapshots;
use rpscope_corpus::{run, Builtin, Corpus, KnownDivergences, Selection};

fn whole_corpus(c: &mut Criterion) {
    let psl = PslSnapshots::builtin();
    let corpus = Corpus::embedded().expect("the embedded corpus loads");
    let mut group = c.benchmark_group("conformance");
    group.sample_size(20);
    // Every case under every profile, corpus and PSL already loaded.
    group.bench_function("run-all-profiles", |b| {
        b.iter(|| {
            run(
                &corpus,
                &mut Builtin::new(&psl),
                &Selection::default(),
                &KnownDivergences::none(),
            )
        })
    });
    // What `rpscope conformance` does from a cold start: parse the PSL and the corpus, run.
    group.bench_function("load-psl-corpus-and-run", |b| {
        b.iter(|| {
            let psl = PslSnapshots::builtin();
            let corpus = Corpus::embedded().expect("the embedded corpus loads");
            run(
                &corpus,
                &mut Builtin::new(&psl),
                &Selection::default(),
                &KnownDivergences::none(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, whole_corpus);
criterion_main!(benches);
