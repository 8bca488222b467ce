//! Fuzz seeds from the conformance corpus: every case, in each fuzz target's
//! input format, so fuzzing starts from the inputs the corpus found interesting.
//!
//! `rpscope corpus fuzz-seeds corpus/fuzz` writes them; a test fails when the
//! checked-in seeds drift from the corpus. Formats (see `rpscope-oracles`):
//!
//! * `origin_parse`: one origin or pattern string;
//! * `client_check`, `related_origins`: a [`ClientQuestion`] in its line form (origin,
//!   RP ID, profile, status, content type, redirects, then the body);
//! * `policy_compile`: a policy as JSON;
//! * `batch_jsonl`: one file per topic, a `check --batch` or `verify --batch` line per case;
//! * `mobile_files`: a [`MobileQuestion`] in its line form (reader, status, content
//!   type, declared length, redirects, then the body) per `corpus/mobile/` case whose
//!   body is at most [`MAX_MOBILE_SEED_BYTES`] (larger generated bodies, such as
//!   100,000 statements, are left to the corpus tests), and one `fingerprint` seed
//!   per distinct `sha256_cert_fingerprints` string of the assetlinks bodies.
//!
//! `matcher_differential` takes `#[derive(Arbitrary)]` input over a built-in
//! alphabet and has no seeds.

use crate::case::{ClientCase, TopicFile};
use crate::load::Corpus;
use crate::mobile::{FileKind, MobileTopic};
use rpscope_model::{ClientQuestion, MobileQuestion, MobileReader, ProfileId};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// `target → (file name → bytes)`, deterministic and deduplicated by content.
pub type Seeds = BTreeMap<&'static str, BTreeMap<String, Vec<u8>>>;

/// The targets seeds are written for.
pub const SEEDED_TARGETS: &[&str] = &[
    "origin_parse",
    "client_check",
    "related_origins",
    "policy_compile",
    "batch_jsonl",
    "mobile_files",
];

/// The largest body a `mobile_files` seed carries: 64 KiB.
pub const MAX_MOBILE_SEED_BYTES: usize = 64 << 10;

fn add(seeds: &mut Seeds, target: &'static str, bytes: Vec<u8>) {
    let name = hex::encode(&Sha256::digest(&bytes)[..8]);
    seeds.entry(target).or_default().insert(name, bytes);
}

fn client_lines(case: &ClientCase, profile: ProfileId) -> Vec<u8> {
    ClientQuestion {
        origin: case.origin.clone(),
        rp_id: case.rp_id.clone(),
        profile,
        well_known: case.well_known.clone(),
    }
    .to_lines()
    .into_bytes()
}

/// Every seed the corpus and its mobile topics (`corpus/mobile/`, as
/// [`crate::mobile::embedded_topics`] or [`crate::mobile::topics_in`] give them) give.
pub fn generate(corpus: &Corpus, mobile: &[(String, MobileTopic)]) -> Seeds {
    let mut seeds = Seeds::new();
    for topic in &corpus.topics {
        let mut batch = String::new();
        match &topic.file {
            TopicFile::Client(t) => {
                for case in &t.cases {
                    add(&mut seeds, "origin_parse", case.origin.clone().into_bytes());
                    let profiles: &[ProfileId] = if !case.expected.is_uniform() {
                        ProfileId::ALL
                    } else {
                        &[ProfileId::Spec]
                    };
                    for &profile in profiles {
                        add(&mut seeds, "client_check", client_lines(case, profile));
                        if case.well_known.is_some() {
                            add(&mut seeds, "related_origins", client_lines(case, profile));
                        }
                    }
                    let line = serde_json::json!({
                        "id": case.id, "origin": case.origin, "rp_id": case.rp_id,
                        "well_known": case.well_known,
                    });
                    batch.push_str(&line.to_string());
                    batch.push('\n');
                }
            }
            TopicFile::Server(t) => {
                for case in &t.cases {
                    add(&mut seeds, "origin_parse", case.origin.clone().into_bytes());
                    for pattern in case.policy.origins.iter().chain(&case.policy.top_origins) {
                        add(&mut seeds, "origin_parse", pattern.clone().into_bytes());
                    }
                    if let Ok(json) = serde_json::to_vec(&case.policy) {
                        add(&mut seeds, "policy_compile", json);
                    }
                    let hash = case.rp_id_hash_bytes().ok().flatten().map(hex::encode);
                    let line = serde_json::json!({
                        "id": case.id, "policy": case.policy, "origin": case.origin,
                        "cross_origin": case.cross_origin, "top_origin": case.top_origin, "rp_id_hash": hash,
                    });
                    batch.push_str(&line.to_string());
                    batch.push('\n');
                }
            }
        }
        add(&mut seeds, "batch_jsonl", batch.into_bytes());
    }
    for (_, topic) in mobile {
        add_mobile(&mut seeds, topic);
    }
    seeds
}

fn add_mobile(seeds: &mut Seeds, topic: &MobileTopic) {
    for case in &topic.cases {
        let Ok(body) = case.served.body() else {
            continue;
        };
        if body.len() > MAX_MOBILE_SEED_BYTES {
            continue;
        }
        if topic.file == FileKind::Assetlinks {
            for text in fingerprint_texts(&body) {
                let q = MobileQuestion {
                    reader: MobileReader::Fingerprint,
                    status: 200,
                    content_type: String::new(),
                    length: None,
                    redirects: Vec::new(),
                    body: text.into_bytes(),
                };
                add(seeds, "mobile_files", q.to_lines());
            }
        }
        let q = MobileQuestion {
            reader: match topic.file {
                FileKind::Assetlinks => MobileReader::Assetlinks,
                FileKind::Aasa => MobileReader::Aasa,
            },
            status: case.served.status,
            content_type: case.served.content_type.clone(),
            length: case.served.length,
            redirects: case.served.redirects.clone(),
            body,
        };
        add(seeds, "mobile_files", q.to_lines());
    }
}

/// The `sha256_cert_fingerprints` strings of a statement list (none when the body
/// is not one).
fn fingerprint_texts(body: &[u8]) -> Vec<String> {
    let Ok(serde_json::Value::Array(statements)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    statements
        .iter()
        .filter_map(|s| s["target"]["sha256_cert_fingerprints"].as_array())
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect()
}
