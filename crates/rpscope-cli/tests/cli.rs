//! The `rpscope` binary as users and CI see it: exit codes, output contracts,
//! and error messages. Verdicts are decided (and tested) in rpscope-core; the
//! explanations printed here are pinned as snapshots under `snapshots/cli/`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn rpscope(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rpscope binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/cli"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn check_exit_codes_are_accept_0_reject_1_error_2() {
    let accept = rpscope(
        &[
            "check",
            "--origin",
            "https://login.example.com",
            "--rp-id",
            "example.com",
        ],
        "",
    );
    assert_eq!(accept.status.code(), Some(0), "{}", stderr(&accept));
    assert!(stdout(&accept).starts_with("accept (rp-id-registrable-suffix)\n"));

    let reject = rpscope(
        &[
            "check",
            "--origin",
            "https://evil-example.com",
            "--rp-id",
            "example.com",
        ],
        "",
    );
    assert_eq!(reject.status.code(), Some(1));
    assert!(stdout(&reject).starts_with("reject (rp-id-not-suffix)\n"));

    let usage = rpscope(&["check", "--rp-id", "example.com"], "");
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("--origin"));

    let profile = rpscope(
        &["check", "--origin", "https://a.com", "--profile", "safari"],
        "",
    );
    assert_eq!(profile.status.code(), Some(2));
    assert_eq!(
        stderr(&profile),
        "rpscope: error: unknown profile `safari` (expected one of: spec, chromium, firefox)\n"
    );
}

#[test]
fn check_json_is_one_verdict_object() {
    let o = rpscope(&["check", "--origin", "https://0x7f.1", "--json"], "");
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verdict"], "reject");
    assert_eq!(v["reason"], "ip-address-origin");
    assert!(v["explanation"].as_str().unwrap().contains("127.0.0.1"));
}

#[test]
fn check_reads_a_well_known_body_from_a_file_or_stdin() {
    let body = r#"{"origins":["https://example.co.uk"]}"#;
    let args = [
        "check",
        "--origin",
        "https://example.co.uk",
        "--rp-id",
        "example.com",
        "--well-known",
        "-",
    ];
    let o = rpscope(&args, body);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("accept (related-origins-match)"));

    let mut with_status = args.to_vec();
    with_status.extend(["--well-known-status", "204", "--profile", "firefox"]);
    let o = rpscope(&with_status, body);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("reject (related-origins-bad-status)"));

    let missing = rpscope(
        &[
            "check",
            "--origin",
            "https://a.com",
            "--well-known",
            "/no/such/file",
        ],
        "",
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot open /no/such/file"));

    let orphan = rpscope(
        &[
            "check",
            "--origin",
            "https://a.com",
            "--well-known-status",
            "200",
        ],
        "",
    );
    assert_eq!(
        orphan.status.code(),
        Some(2),
        "a status without a body is a usage error"
    );
}

#[test]
fn batch_answers_every_line_in_order_and_pins_explanations() {
    let input = include_str!("data/check-batch.jsonl");
    let o = rpscope(&["check", "--batch", "-"], input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let inputs: Vec<_> = input.lines().collect();
    let outputs: Vec<_> = out.lines().collect();
    assert_eq!(
        outputs.len(),
        inputs.len(),
        "one output line per input line"
    );
    for (i, (line_in, line_out)) in inputs.iter().zip(&outputs).enumerate() {
        let v: serde_json::Value = serde_json::from_str(line_out).unwrap();
        match serde_json::from_str::<serde_json::Value>(line_in)
            .ok()
            .and_then(|v| v.get("id").cloned())
        {
            Some(serde_json::Value::String(id)) => {
                assert_eq!(v["id"], id.as_str(), "line {}", i + 1)
            }
            _ => assert!(v.get("id").is_none() || v["id"].is_null(), "line {}", i + 1),
        }
        if v.get("error").is_some() {
            assert_eq!(v["line"], i as u64 + 1);
        } else {
            assert!(["accept", "reject"].contains(&v["verdict"].as_str().unwrap()));
        }
    }
    snapshot!("check_batch", out);
}

#[test]
fn batch_from_a_file_and_unreadable_input() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/check-batch.jsonl");
    let o = rpscope(&["check", "--batch", path], "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).lines().count(),
        include_str!("data/check-batch.jsonl").lines().count()
    );

    let o = rpscope(&["check", "--batch", "/no/such/file"], "");
    assert_eq!(o.status.code(), Some(2));

    let o = rpscope(&["check", "--batch", "-", "--origin", "https://a.com"], "");
    assert_eq!(o.status.code(), Some(2), "--batch and --origin conflict");
}

#[test]
fn a_replacement_psl_is_used_and_a_bad_one_refused() {
    let dir = std::env::temp_dir().join(format!("rpscope-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A list in which `example.com` itself is a public suffix.
    let list = dir.join("psl.dat");
    std::fs::write(
        &list,
        "// ===BEGIN ICANN DOMAINS===\ncom\nexample.com\n// ===END ICANN DOMAINS===\n",
    )
    .unwrap();
    let args = [
        "--psl",
        list.to_str().unwrap(),
        "check",
        "--origin",
        "https://login.example.com",
        "--rp-id",
        "example.com",
    ];
    let o = rpscope(&args, "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("reject (rp-id-public-suffix)"));

    let empty = dir.join("empty.dat");
    std::fs::write(&empty, "// nothing\n").unwrap();
    let o = rpscope(
        &[
            "--psl",
            empty.to_str().unwrap(),
            "check",
            "--origin",
            "https://a.com",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no rules"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_teaches_with_examples() {
    let o = rpscope(&["check", "--help"], "");
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    for needle in [
        "Examples:",
        "--batch",
        "--well-known",
        "Exit codes",
        "chromium",
    ] {
        assert!(help.contains(needle), "`check --help` lacks {needle:?}");
    }
}

#[test]
fn conformance_passes_on_the_embedded_corpus_in_every_format() {
    let o = rpscope(&["conformance"], "");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("builtin: conforms"));

    let o = rpscope(
        &["conformance", "--format", "json", "--profile", "firefox"],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["failed"], 0);
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["profile"] == "firefox"));

    let o = rpscope(
        &[
            "conformance",
            "--format",
            "junit",
            "--filter",
            "spec-examples::",
        ],
        "",
    );
    assert!(stdout(&o).starts_with("<?xml"));
    let o = rpscope(
        &[
            "conformance",
            "--format",
            "markdown",
            "--filter",
            "spec-examples::",
        ],
        "",
    );
    assert!(stdout(&o).contains("| profile | total |"));
}

#[test]
fn conformance_usage_errors_exit_2() {
    let o = rpscope(&["conformance", "--filter", "no-such-case-anywhere"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no case id contains"));
    assert_eq!(
        rpscope(&["conformance", "--format", "xml"], "")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        rpscope(&["conformance", "--profile", "safari"], "")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        rpscope(&["conformance", "--corpus", "/no/such/dir"], "")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn conformance_fails_on_a_stale_known_divergence() {
    let path = std::env::temp_dir().join(format!("rpscope-known-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"spec-examples::no-such-case": {"expected": "reject", "actual": "accept", "reason": "gone"}}"#).unwrap();
    let o = rpscope(
        &[
            "conformance",
            "--filter",
            "spec-examples::",
            "--known-divergences",
            path.to_str().unwrap(),
        ],
        "",
    );
    std::fs::remove_file(&path).ok();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("stale divergence spec-examples::no-such-case"));
}

#[test]
fn corpus_lint_and_export() {
    let o = rpscope(&["corpus", "lint"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("0 finding(s)\n"));

    let o = rpscope(&["corpus", "export", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format_version"], 1);
    let cases: usize = v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["case"].as_array().unwrap().len())
        .sum();
    let json = rpscope(
        &["conformance", "--format", "json", "--profile", "spec"],
        "",
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        report["total"].as_u64().unwrap() as usize,
        cases,
        "export and conformance see the same cases"
    );
    assert!(v["flags"]["security-critical"].is_string());
}

/// Every file under snapshots/cli is one this file asserts.
#[test]
fn no_stray_cli_snapshots() {
    let used = ["check_batch.snap"];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/cli");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            used.contains(&name.as_str()),
            "snapshots/cli/{name} is not referenced by tests/cli.rs"
        );
    }
}
