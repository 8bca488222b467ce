//! The published protocol schemas: in step with the types, and obeyed by what the
//! runner actually sends.

use rpscope_adapter::protocol::{schemas, CaseRequest, Ceremony, Command, PROTOCOL};
use rpscope_adapter::request::{client_request, server_request};
use rpscope_corpus::Corpus;
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../adapters/protocol");

#[test]
fn committed_schemas_match_the_types() {
    for (name, text) in schemas() {
        let path = Path::new(DIR).join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is out of date: run `cargo run -p rpscope-cli -- adapter schema --write adapters/protocol`",
            path.display()
        );
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(DIR).join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn every_request_for_the_corpus_obeys_the_schema() {
    let v = validator("runner-to-adapter.schema.json");
    let corpus = Corpus::embedded().unwrap();
    let mut messages = vec![Command::Start { protocol: PROTOCOL }, Command::Stop];
    for (_, case) in corpus.server_cases() {
        for kind in [Ceremony::Registration, Ceremony::Authentication] {
            if let Ok(request) = server_request(case, kind) {
                messages.push(Command::Run {
                    seq: 1,
                    case: Box::new(CaseRequest::Server(request)),
                });
            }
        }
    }
    for (_, case) in corpus.client_cases() {
        messages.push(Command::Run {
            seq: 1,
            case: Box::new(CaseRequest::Client(client_request(case))),
        });
    }
    assert!(messages.len() > 800);
    for m in &messages {
        let json = serde_json::to_value(m).unwrap();
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{json}: {errors:?}");
    }
}

#[test]
fn the_documented_answers_obey_the_schema_and_bad_ones_do_not() {
    let v = validator("adapter-to-runner.schema.json");
    for good in [
        r#"{"seq":7,"result":"accept"}"#,
        r#"{"seq":7,"result":"reject","message":"Unexpected origin"}"#,
        r#"{"seq":7,"result":"skipped","message":"one RP ID","issue_url":"https://example.org/1"}"#,
        r#"{"protocol":1,"implementation":{"name":"x","version":"1","language":"go"},"capabilities":{"sides":["server"],"ceremonies":["registration"],"policy_features":["app-origins"]}}"#,
    ] {
        let json: serde_json::Value = serde_json::from_str(good).unwrap();
        assert!(v.is_valid(&json), "{good}");
    }
    for bad in [
        r#"{"seq":7,"result":"maybe"}"#,
        r#"{"result":"accept"}"#,
        r#"{"protocol":1,"implementation":{"name":"x"},"capabilities":{"sides":["server"]}}"#,
    ] {
        let json: serde_json::Value = serde_json::from_str(bad).unwrap();
        assert!(!v.is_valid(&json), "{bad}");
    }
}
