//! Throughput of `rpscope check --batch` and the cost of one client-side check.
//!
//! Run: `cargo bench -p rpscope-cli --bench batch`. Figures: docs/benchmarks.md.
//! The batch benchmark drives the same code path as the binary (read line,
//! parse JSON, decide, serialise) over an in-memory mixed workload into a sink.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rpscope_batch::{check, jsonl};
use rpscope_core::client::{self, ClientRequest, WellKnownResponse};
use rpscope_core::{Profile, PslSnapshots, PublicSuffixList};
use std::hint::black_box;

/// A realistic mix: mostly local accepts and rejects over varied hosts, some
/// IP callers, some related-origins documents, every profile.
fn workload(lines: usize) -> Vec<u8> {
    let profiles = ["spec", "chromium", "firefox", "webkit"];
    let mut out = String::new();
    for i in 0..lines {
        let p = profiles[i % profiles.len()];
        let line = match i % 10 {
            0..=3 => format!(
                r#"{{"id":"a{i}","origin":"https://app{i}.login.example{}.com:{}","rp_id":"example{}.com","profile":"{p}"}}"#,
                i % 97,
                1000 + i % 50000,
                i % 97
            ),
            4 => format!(r#"{{"id":"d{i}","origin":"https://svc{i}.corp.example.co.uk"}}"#),
            5 => format!(
                r#"{{"id":"n{i}","origin":"https://evil-example{i}.com","rp_id":"example{i}.com","profile":"{p}"}}"#
            ),
            6 => {
                format!(r#"{{"id":"s{i}","origin":"https://x{i}.github.io","rp_id":"github.io"}}"#)
            }
            7 => format!(
                r#"{{"id":"ip{i}","origin":"https://10.0.{}.{}"}}"#,
                i % 256,
                (i / 256) % 256
            ),
            8 => format!(
                r#"{{"id":"r{i}","origin":"https://example.co.uk","rp_id":"example.com","profile":"{p}","well_known":{{"status":200,"content_type":"application/json","body":"{{\"origins\":[\"https://example.de\",\"https://example.co.uk\"]}}"}}}}"#
            ),
            _ => format!(r#"{{"id":"h{i}","origin":"https://pve{i}.lan:8006","rp_id":"lan"}}"#),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.into_bytes()
}

fn batch(c: &mut Criterion) {
    let psl = PslSnapshots::builtin();
    let lines = 10_000;
    let input = workload(lines);
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(lines as u64));
    group.bench_function("mixed-10k-lines", |b| {
        b.iter_batched(
            || input.as_slice(),
            |input| {
                jsonl::run(input, std::io::sink(), |text, answer| {
                    check::handle_line(text, &psl, answer)
                })
                .expect("an in-memory batch cannot fail")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn single_check(c: &mut Criterion) {
    let psl = PublicSuffixList::vendored();
    let mut group = c.benchmark_group("check");
    let cases: [(&str, ClientRequest<'_>); 4] = [
        // Equal hosts: no PSL lookup at all.
        ("equal-host-no-psl", ClientRequest { origin: "https://login.example.com", rp_id: None, well_known: None }),
        // Registrable suffix: two PSL lookups.
        ("registrable-suffix-psl", ClientRequest { origin: "https://login.example.com:8443", rp_id: Some("example.com"), well_known: None }),
        ("not-suffix", ClientRequest { origin: "https://evil-example.com", rp_id: Some("example.com"), well_known: None }),
        ("related-origins", ClientRequest {
            origin: "https://example.co.uk",
            rp_id: Some("example.com"),
            well_known: Some(WellKnownResponse {
                status: 200,
                content_type: "application/json",
                body: br#"{"origins":["https://example.de","https://example.fr","https://example.co.uk"]}"#,
                redirects: &[],
            }),
        }),
    ];
    for (name, request) in cases {
        group.bench_function(name, |b| {
            b.iter(|| client::check(black_box(&request), &Profile::SPEC, &psl))
        });
    }
    group.finish();
}

criterion_group!(benches, batch, single_check);
criterion_main!(benches);
