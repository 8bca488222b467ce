//! The server-side hot path, side by side with what RP libraries do today.
//!
//! Run: `cargo bench -p rpscope-core --bench matcher`. Figures: docs/benchmarks.md.
//!
//! `rpscope/*` verifies a presented origin against a compiled policy (read the
//! serialised origin, look it up); `baseline/*` parses the presented origin with
//! `url::Url::parse` and compares its origin with each configured origin, parsed
//! beforehand, as libraries such as webauthn-rs and java-webauthn-server do.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, CompiledPolicy, Policy, ServerRequest};
use rpscope_core::PublicSuffixList;
use std::hint::black_box;

const SIZES: [usize; 4] = [1, 10, 1_000, 100_000];

/// `n` exact origins; the last one is `https://app{n-1}.example.com:8443`.
fn origins(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com:8443"))
        .collect()
}

fn compile(psl: &PublicSuffixList, origins: Vec<String>) -> CompiledPolicy {
    Policy {
        rp_ids: vec!["example.com".into()],
        origins,
        ..Policy::default()
    }
    .compile(psl)
    .expect("the bench policy compiles")
}

fn baseline_matches(configured: &[url::Origin], presented: &str) -> bool {
    match url::Url::parse(presented) {
        Ok(url) => {
            let origin = url.origin();
            configured.contains(&origin)
        }
        Err(_) => false,
    }
}

fn request(origin: &str) -> ServerRequest<'_> {
    ServerRequest {
        origin,
        ..ServerRequest::default()
    }
}

fn exact(c: &mut Criterion) {
    let psl = PublicSuffixList::vendored();
    let mut group = c.benchmark_group("exact");
    for n in SIZES {
        let list = origins(n);
        let hit = list[n - 1].clone();
        let policy = compile(&psl, list.clone());
        group.bench_with_input(BenchmarkId::new("rpscope", n), &hit, |b, hit| {
            b.iter(|| verify(&policy, &request(black_box(hit))).reason())
        });
        if n <= 1_000 {
            let configured: Vec<url::Origin> = list
                .iter()
                .map(|o| url::Url::parse(o).expect("valid").origin())
                .collect();
            group.bench_with_input(BenchmarkId::new("baseline", n), &hit, |b, hit| {
                b.iter(|| baseline_matches(&configured, black_box(hit)))
            });
        }
    }
    group.finish();
}

fn other_patterns(c: &mut Criterion) {
    let psl = PublicSuffixList::vendored();
    let mut group = c.benchmark_group("pattern");
    for n in [1usize, 100_000] {
        let mut list = origins(n - 1);
        list.push("https://*.example.net".into());
        list.push("https://pve.example.org:*".into());
        list.push("android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA".into());
        let policy = compile(&psl, list);
        for (name, origin) in [
            ("wildcard", "https://login.eu.example.net"),
            ("any-port", "https://pve.example.org:8006"),
            (
                "app",
                "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA",
            ),
            ("rejected", "https://evil-example.net"),
            ("invalid", "https://Example.net/"),
        ] {
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| verify(&policy, &request(black_box(origin))).reason())
            });
        }
    }
    // What libraries do for a subdomain rule (webauthn-rs `allow_subdomains`,
    // java-webauthn-server `allowOriginSubdomain`): parse, compare scheme and port,
    // then test the host for a dot-boundary suffix.
    group.bench_function("baseline-wildcard", |b| {
        b.iter(|| {
            let Ok(url) = url::Url::parse(black_box("https://login.eu.example.net")) else {
                return false;
            };
            let host = url.host_str().unwrap_or("");
            url.scheme() == "https"
                && url.port_or_known_default() == Some(443)
                && host.len() > 12
                && host.ends_with(".example.net")
        })
    });
    group.finish();
}

criterion_group!(benches, exact, other_patterns);
criterion_main!(benches);
