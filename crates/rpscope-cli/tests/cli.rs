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
    assert!(
        stderr(&profile).contains("invalid value 'safari' for '--profile <PROFILE>'")
            && stderr(&profile).contains("[possible values: spec, chromium, firefox, webkit]"),
        "{}",
        stderr(&profile)
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
    let o = rpscope(&["conformance", "--target", "python"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected `builtin` or `adapter:COMMAND`"));
    // An adapter that never starts is no usage error: exit 3, and the report is still
    // written, every case an error naming why.
    let o = rpscope(
        &[
            "conformance",
            "--target",
            "adapter:exit 3",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("during the handshake"),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(report["stopped"]
        .as_str()
        .is_some_and(|s| s.contains("during the handshake")));
    assert!(report["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "error"));
    let o = rpscope(&["conformance", "--timeout", "0"], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn conformance_derives_cases_from_a_policy_file() {
    let policy = temp_file(
        "derive.toml",
        "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\", \"https://pve.example.com:8006\"]\n\n[deployment]\nserved_at = [\"https://pve.example.com:8006/\"]\n",
    );
    let o = rpscope(
        &[
            "conformance",
            "--policy",
            policy.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = report["results"].as_array().unwrap();
    let outcome = |id: &str| {
        results
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))["expected"]
            .clone()
    };
    assert_eq!(outcome("policy::origin-2-admitted"), "accept");
    assert_eq!(outcome("policy::origin-2-other-port"), "reject");
    assert_eq!(outcome("policy::origin-1-suffix-extension"), "reject");
    assert!(results
        .iter()
        .all(|r| r["id"].as_str().unwrap().starts_with("policy::")));
    // The derived cases are requests an adapter can be sent.
    let o = rpscope(
        &["adapter", "requests", "--policy", policy.to_str().unwrap()],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(r#"{"cmd":"start","protocol":1}"#)
    );
    assert_eq!(lines.last().copied(), Some(r#"{"cmd":"stop"}"#));
    assert_eq!(lines.len(), 2 + 2 + 2 * results.len());
    let bad = temp_file(
        "bad.toml",
        "rp_ids = [\"example.com\"]\norigins = [\"https://*.com\"]\n",
    );
    let o = rpscope(&["conformance", "--policy", bad.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("public suffix"), "{}", stderr(&o));
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
    let count = |kind: &str| -> usize {
        v["topics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == kind)
            .map(|t| t["case"].as_array().unwrap().len())
            .sum()
    };
    let json = rpscope(&["conformance", "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        report["total"].as_u64().unwrap() as usize,
        count("client") * rpscope_core::ProfileId::ALL.len() + count("server"),
        "export and conformance see the same cases"
    );
    assert!(count("server") > 0);
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

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rpscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn verify_single_requests_and_exit_codes() {
    let policy = temp_file("verify.toml", "rp_ids = [\"example.com\"]\norigins = [\"https://*.example.com\", \"https://example.com/\"]\n");
    let p = policy.to_str().unwrap();
    let o = rpscope(
        &[
            "verify",
            "--policy",
            p,
            "--origin",
            "https://login.example.com",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("accept (origin-match)"));
    let o = rpscope(
        &[
            "verify",
            "--policy",
            p,
            "--origin",
            "https://evil-example.com",
            "--json",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["reason"], "origin-not-allowed");
    // sha256("example.com")
    let hash = "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947";
    let o = rpscope(
        &[
            "verify",
            "--policy",
            p,
            "--origin",
            "https://example.com",
            "--rp-id-hash",
            hash,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = rpscope(
        &[
            "verify",
            "--policy",
            p,
            "--origin",
            "https://example.com",
            "--top-origin",
            "https://x.example.com",
        ],
        "",
    );
    assert!(stdout(&o).starts_with("reject (inconsistent-cross-origin)"));
    assert_eq!(
        rpscope(
            &[
                "verify",
                "--policy",
                p,
                "--origin",
                "https://example.com",
                "--rp-id-hash",
                "zz"
            ],
            ""
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        rpscope(
            &[
                "verify",
                "--policy",
                "/no/such.toml",
                "--origin",
                "https://example.com"
            ],
            ""
        )
        .status
        .code(),
        Some(2)
    );
    let bad = temp_file(
        "bad.toml",
        "rp_ids = [\"example.com\"]\norigins = []\nextra = 1\n",
    );
    let o = rpscope(
        &[
            "verify",
            "--policy",
            bad.to_str().unwrap(),
            "--origin",
            "https://example.com",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `extra`"),
        "{}",
        stderr(&o)
    );
    let invalid = temp_file(
        "invalid.toml",
        "rp_ids = []\norigins = [\"https://*.com\"]\n",
    );
    let o = rpscope(
        &[
            "verify",
            "--policy",
            invalid.to_str().unwrap(),
            "--origin",
            "https://example.com",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("reject (invalid-policy)"));
}

#[test]
fn verify_batch_answers_every_line() {
    let input = [
        r#"{"id":"ok","policy":{"rp_ids":["example.com"],"origins":["https://example.com"]},"origin":"https://example.com"}"#,
        r#"{"id":"cross","policy":{"rp_ids":["example.com"],"origins":["https://example.com"],"allow_cross_origin":true,"top_origins":["https://*.example.net"]},"origin":"https://example.com","cross_origin":true,"top_origin":"https://shop.example.net"}"#,
        r#"{"id":"bad-policy","policy":{"rp_ids":[],"origins":[]},"origin":"https://example.com"}"#,
        r#"{"id":"bad-hash","policy":{"rp_ids":["example.com"],"origins":[]},"origin":"x","rp_id_hash":"nothex"}"#,
        r#"not json"#,
    ]
    .join("\n");
    let o = rpscope(&["verify", "--batch", "-"], &input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["reason"], "origin-match");
    assert_eq!(lines[1]["reason"], "origin-match");
    assert_eq!(lines[2]["reason"], "invalid-policy");
    assert_eq!(
        (lines[3]["id"].as_str(), lines[3]["line"].as_u64()),
        (Some("bad-hash"), Some(4))
    );
    assert_eq!(lines[4]["line"], 5);
}

#[test]
fn verify_batch_uses_the_policy_file_for_lines_without_one() {
    let policy = temp_file(
        "batch-default.toml",
        "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\"]\n",
    );
    let input = [
        r#"{"id":"default","origin":"https://example.com"}"#,
        r#"{"id":"own","policy":{"rp_ids":["example.com"],"origins":["https://other.example.com"]},"origin":"https://example.com"}"#,
    ]
    .join("\n");
    let o = rpscope(
        &[
            "verify",
            "--batch",
            "-",
            "--policy",
            policy.to_str().unwrap(),
        ],
        &input,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reasons: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["reason"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(reasons, ["origin-match", "origin-not-allowed"]);
    // Without --policy, a line without one is an error line.
    let o = rpscope(
        &["verify", "--batch", "-"],
        r#"{"id":"none","origin":"https://example.com"}"#,
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!((&v["id"], &v["line"]), (&"none".into(), &1.into()));
    assert!(v["error"].as_str().unwrap().contains("--policy"), "{v}");
}

#[test]
fn lint_reports_the_home_lab_port_and_exits_1() {
    let config = temp_file(
        "pve.toml",
        "rp_ids = [\"pve.example.com\"]\norigins = [\"https://pve.example.com\", \"https://local.pve.example.com\"]\n\n[deployment]\nserved_at = [\"https://local.pve.example.com:8006/\"]\n",
    );
    let o = rpscope(&["lint", config.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("error[port-not-configured]"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("add `https://local.pve.example.com:8006`"));
    let fixed = temp_file("pve-fixed.toml", "rp_ids = [\"pve.example.com\"]\norigins = [\"https://local.pve.example.com:8006\"]\n\n[deployment]\nserved_at = [\"https://local.pve.example.com:8006/\"]\n");
    let o = rpscope(&["lint", fixed.to_str().unwrap(), "--json"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn lint_reads_the_well_known_document() {
    let config = temp_file("brands.toml", "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\", \"https://example.co.uk\"]\n\n[deployment]\nwell_known = \"brands.json\"\n");
    temp_file("brands.json", r#"{"origins":["https://example.co.uk"]}"#);
    let o = rpscope(&["lint", config.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let other = temp_file("other.json", r#"{"origins":["https://example.de"]}"#);
    let o = rpscope(
        &[
            "lint",
            config.to_str().unwrap(),
            "--well-known",
            other.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("related-origins-missing-origin"));
    assert_eq!(
        rpscope(&["lint", "/no/such.toml"], "").status.code(),
        Some(2)
    );
}

#[test]
fn lint_takes_the_documents_status_content_type_and_size_into_account() {
    let config = temp_file("served.toml", "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\", \"https://example.co.uk\"]\n");
    let listed = r#"{"origins":["https://example.co.uk"]}"#;
    let document = temp_file("served.json", listed);
    let lint = |extra: &[&str]| {
        let mut args = vec![
            "lint",
            config.to_str().unwrap(),
            "--well-known",
            document.to_str().unwrap(),
        ];
        args.extend(extra);
        rpscope(&args, "")
    };
    assert_eq!(lint(&[]).status.code(), Some(0), "{}", stdout(&lint(&[])));
    let o = lint(&["--well-known-status", "204"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[related-origins-bad-status]: https://example.com/.well-known/webauthn is served with status 204, which is not accepted under the spec, firefox and webkit profiles"),
        "{}",
        stdout(&o)
    );
    let o = lint(&["--well-known-content-type", "text/html"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[related-origins-bad-content-type]"),
        "{}",
        stdout(&o)
    );
    let o = lint(&["--well-known-status", "99"]);
    assert_eq!(o.status.code(), Some(2), "a status is 100 to 599");
    // 575 KiB: clean for the spec and Firefox, too large for Chromium.
    let big = temp_file(
        "served-big.json",
        &format!(
            "{{\"origins\":[\"https://example.co.uk\"]{}}}",
            " ".repeat(575 * 1024)
        ),
    );
    let o = rpscope(
        &[
            "lint",
            config.to_str().unwrap(),
            "--well-known",
            big.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[related-origins-too-large]")
            && stdout(&o).contains("under the chromium profile"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn lint_accepts_localhost_for_development() {
    let config = temp_file(
        "dev.toml",
        "rp_ids = [\"localhost\"]\norigins = [\"http://localhost:3000\"]\n",
    );
    let o = rpscope(&["lint", config.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("0 error(s), 0 warning(s)\n"),
        "{}",
        stdout(&o)
    );
    // And `check` agrees.
    let o = rpscope(
        &[
            "check",
            "--origin",
            "http://localhost:3000",
            "--rp-id",
            "localhost",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn matrix_records_an_adapter_that_does_not_start_and_exits_1() {
    let manifest = temp_file(
        "adapters.toml",
        "[[adapter]]\nname = \"broken\"\nlibrary = \"nothing 0 (sh)\"\ninstall = \"true\"\ncommand = \"echo no such library >&2; exit 3\"\n",
    );
    let out = manifest.with_file_name("results.md");
    let o = rpscope(
        &[
            "matrix",
            "--adapters",
            manifest.to_str().unwrap(),
            "--install",
            "--write",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.contains(
            "| [broken](#broken) | did not start: adapter `echo no such library >&2; exit 3`"
        ),
        "{md}"
    );
    assert!(md.contains("no such library"), "{md}");
    let o = rpscope(
        &[
            "matrix",
            "--adapters",
            manifest.to_str().unwrap(),
            "--only",
            "other",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no adapter named `other`"));
    let twice = temp_file(
        "twice.toml",
        "[[adapter]]\nname = \"a\"\nlibrary = \"l\"\ninstall = \"true\"\ncommand = \"true\"\n\n[[adapter]]\nname = \"a\"\nlibrary = \"l\"\ninstall = \"true\"\ncommand = \"true\"\n",
    );
    let o = rpscope(&["matrix", "--adapters", twice.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("appears twice"));
}

#[test]
fn one_conformance_run_writes_every_requested_output() {
    let dir = std::env::temp_dir().join(format!("rpscope-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("r.json");
    let junit = dir.join("r.xml");
    let md = dir.join("summary.md");
    let o = rpscope(
        &[
            "conformance",
            "--filter",
            "dots::",
            "--quiet",
            "--output",
            &format!("json={}", json.display()),
            "--output",
            &format!("junit={}", junit.display()),
            "--output",
            &format!("markdown={}", md.display()),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "--quiet: the summary only");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(report["total"].as_u64().unwrap() > 10);
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .starts_with("<?xml"));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .contains("## rpscope conformance"));
    let bad = rpscope(&["conformance", "--output", "yaml=x"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--output takes FORMAT=PATH"),
        "{}",
        stderr(&bad)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An adapter in sh that accepts the control ceremony and rejects every case: its
/// failures are all false rejects (interoperability), none a security finding.
const REJECT_ALL: &str = r#"while IFS= read -r line; do case "$line" in *'"cmd":"start"'*) echo '{"protocol":1,"implementation":{"name":"reject-all","version":"0","language":"sh"},"capabilities":{"sides":["server"],"ceremonies":["authentication"],"policy_features":[]}}';; *'"cmd":"run"'*) seq=$(printf '%s' "$line" | sed 's/.*"seq":\([0-9]*\).*/\1/'); if [ "$seq" = 0 ]; then r=accept; else r=reject; fi; echo "{\"seq\":$seq,\"result\":\"$r\"}";; *) exit 0;; esac; done"#;

#[test]
fn fail_on_security_ignores_interoperability_failures() {
    let dir = std::env::temp_dir().join(format!("rpscope-fail-on-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("reject-all.sh");
    std::fs::write(&script, REJECT_ALL).unwrap();
    let target = format!("adapter:sh {}", script.display());
    let args = [
        "conformance",
        "--target",
        &target,
        "--filter",
        "server-exact::",
        "-q",
    ];
    let any = rpscope(&args, "");
    assert_eq!(
        any.status.code(),
        Some(1),
        "{}{}",
        stdout(&any),
        stderr(&any)
    );
    let security = rpscope(&[&args[..], &["--fail-on", "security"]].concat(), "");
    assert_eq!(
        security.status.code(),
        Some(0),
        "{}{}",
        stdout(&security),
        stderr(&security)
    );
    assert!(
        stdout(&security).contains("DOES NOT CONFORM"),
        "the report still says so"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An adapter in sh that answers the control ceremony and the first cases, then, at
/// request 3, writes its pid to `$MARK`, ignores SIGTERM and hangs.
const HANGS_AT_3: &str = r#"trap '' TERM; while IFS= read -r line; do case "$line" in *'"cmd":"start"'*) echo '{"protocol":1,"implementation":{"name":"hangs","version":"0","language":"sh"},"capabilities":{"sides":["server"],"ceremonies":["authentication"],"policy_features":[]}}';; *'"cmd":"run"'*) seq=$(printf '%s' "$line" | sed 's/.*"seq":\([0-9]*\).*/\1/'); if [ "$seq" = 3 ]; then echo $$ > "$MARK"; while :; do sleep 1; done; fi; echo "{\"seq\":$seq,\"result\":\"accept\"}";; *) exit 0;; esac; done"#;

#[test]
fn sigterm_mid_run_writes_the_report_exits_3_and_leaves_no_adapter() {
    use std::time::{Duration, Instant};
    let dir = std::env::temp_dir().join(format!("rpscope-sigterm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("hangs.sh");
    let mark = dir.join("adapter.pid");
    let report = dir.join("report.json");
    std::fs::write(&script, HANGS_AT_3).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args([
            "conformance",
            "--target",
            &format!("adapter:sh {}", script.display()),
            "--filter",
            "server-exact::",
            "--timeout",
            "600",
            "--output",
            &format!("json={}", report.display()),
            "-q",
        ])
        .env("MARK", &mark)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while !mark.exists() && waited.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let adapter_pid = std::fs::read_to_string(&mark).expect("the adapter reached request 3");
    let adapter_pid = adapter_pid.trim().to_owned();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["stopped"], "interrupted (SIGTERM)");
    let errors = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "error")
        .count();
    assert!(errors > 0, "the undecided cases are errors");
    // Gone, or a zombie waiting for init to reap it: nothing runs any more. SIGKILL is
    // delivered asynchronously, so allow a moment.
    let running = || {
        std::fs::read_to_string(format!("/proc/{adapter_pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| !rest.starts_with('Z')))
            .unwrap_or(false)
    };
    let waited = Instant::now();
    while running() && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!running(), "the adapter {adapter_pid} is still running");
    std::fs::remove_dir_all(&dir).ok();
}

/// The SARIF log obeys the SARIF 2.1.0 schema (OASIS, `tests/data/sarif-schema-2.1.0.json`),
/// and each finding points at the line of the entry it concerns.
#[test]
fn lint_sarif_is_valid_sarif_with_the_line_of_each_entry() {
    let config = temp_file(
        "sarif.toml",
        "rp_ids = [\"pve.example.com\"]\norigins = [\n  \"https://pve.example.com\",\n  \"http://other.example.net\",\n  \"ftp://files.example.com\",\n]\n\n[deployment]\nserved_at = [\"https://local.pve.example.com:8006/\"]\n",
    );
    let o = rpscope(&["lint", config.to_str().unwrap(), "--format", "sarif"], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let line_of = |rule: &str| {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].clone())
    };
    assert_eq!(line_of("insecure-origin"), Some(serde_json::json!(4)));
    assert_eq!(line_of("origin-unknown-scheme"), Some(serde_json::json!(5)));
    assert_eq!(
        line_of("served-origin-not-allowed"),
        Some(serde_json::json!(9))
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "port-not-configured"
        && r["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("port")));
}

const FINGERPRINT: &str = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
// Computed independently: Python's base64.urlsafe_b64encode of the 32 bytes, `=` stripped.
const APP_ORIGIN: &str = "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE";

#[test]
fn android_origin_prints_the_origin_or_exits_2() {
    for fp in [
        FINGERPRINT.to_string(),
        FINGERPRINT.to_lowercase(),
        FINGERPRINT.replace(':', ""),
    ] {
        let o = rpscope(&["android-origin", &fp], "");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("{APP_ORIGIN}\n"));
    }
    let sha1 = "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09";
    let o = rpscope(&["android-origin", sha1], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("SHA-1"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = rpscope(&["android-origin", "F0:D0:46"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("3 bytes"), "{}", stderr(&o));
    let long = "A".repeat(100_000);
    let o = rpscope(&["android-origin", &long], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).len() < 1000,
        "the message quotes a clipped argument"
    );
}

#[test]
fn lint_reads_the_mobile_files_in_every_format() {
    let config = temp_file(
        "mobile.toml",
        "rp_ids = [\"example.com\"]\norigins = [\n  \"https://example.com\",\n  \"android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\n]\n",
    );
    let assetlinks = temp_file(
        "mobile-assetlinks.json",
        &format!(
            r#"[{{"relation":["delegate_permission/common.get_login_creds"],"target":{{"namespace":"android_app","package_name":"com.example","sha256_cert_fingerprints":["{FINGERPRINT}"]}}}}]"#
        ),
    );
    let aasa = temp_file("mobile-aasa", "<!DOCTYPE html><html><body></body></html>");
    let args = |format: &str| {
        rpscope(
            &[
                "lint",
                config.to_str().unwrap(),
                "--assetlinks",
                assetlinks.to_str().unwrap(),
                "--aasa",
                aasa.to_str().unwrap(),
                "--format",
                format,
            ],
            "",
        )
    };
    let o = args("human");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    for code in [
        "error[assetlinks-origin-not-in-policy]",
        "error[aasa-html]",
        "warning[app-origin-not-in-assetlinks]",
    ] {
        assert!(text.contains(code), "{code}: {text}");
    }
    assert!(text.contains(APP_ORIGIN), "{text}");

    let o = args("json");
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "assetlinks-origin-not-in-policy",
            "aasa-html",
            "app-origin-not-in-assetlinks"
        ]
    );

    let o = args("sarif");
    let log: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.iter_errors(&log).next().is_none());
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "app-origin-not-in-assetlinks")
        .unwrap();
    // Located at the policy's entry it names.
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        serde_json::json!(4)
    );
}

#[test]
fn lint_refuses_an_oversized_mobile_file_without_reading_it_whole() {
    let config = temp_file(
        "mobile-big.toml",
        "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\"]\n",
    );
    // /dev/zero never ends: only the cap and one byte are read.
    let o = rpscope(
        &[
            "lint",
            config.to_str().unwrap(),
            "--aasa",
            "/dev/zero",
            "--json",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("aasa-too-large"), "{}", stdout(&o));
    let o = rpscope(
        &[
            "lint",
            config.to_str().unwrap(),
            "--assetlinks",
            "/no/such.json",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lint_previous_reports_a_changed_rp_id() {
    let old = temp_file(
        "previous-old.toml",
        "rp_ids = [\"example.org\"]\norigins = [\"https://example.org\"]\n",
    );
    let new = temp_file(
        "previous-new.toml",
        "rp_ids = [\"example.com\"]\norigins = [\"https://example.com\"]\n",
    );
    let o = rpscope(
        &[
            "lint",
            new.to_str().unwrap(),
            "--previous",
            old.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[rp-id-changed]"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("warning[origins-dropped]"));
    let o = rpscope(
        &[
            "lint",
            new.to_str().unwrap(),
            "--previous",
            new.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A rule Chromium 156's measured list lacks (`data/psl/snapshots.toml`).
fn rule_chromium_lacks() -> String {
    rpscope_core::PslSnapshots::builtin()
        .record(rpscope_core::PslSnapshotId::Chromium156)
        .and_then(|r| {
            r.lacks
                .iter()
                .find(|c| c.rule.is_ascii() && !c.rule.starts_with(['*', '!']))
        })
        .map(|c| c.rule.clone())
        .expect("the measured Chromium snapshot lacks a plain rule")
}

#[test]
fn check_warns_when_another_profiles_list_decides_differently() {
    let rule = rule_chromium_lacks();
    let origin = format!("https://a.{rule}");
    let o = rpscope(&["check", "--origin", &origin, "--rp-id", &rule], "");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "warning: Chromium 156's list has no rule `{rule}`"
        )) && err.contains("--profile chromium"),
        "{err}"
    );
    let o = rpscope(
        &[
            "check",
            "--profile",
            "chromium",
            "--origin",
            &origin,
            "--rp-id",
            &rule,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("added to the PSL"), "{}", stdout(&o));
    // `--psl FILE` replaces every list: nothing to warn about.
    let list = temp_file(
        "tiny.dat",
        "// ===BEGIN ICANN DOMAINS===\ncom\n// ===END ICANN DOMAINS===\n",
    );
    let o = rpscope(
        &[
            "check",
            "--psl",
            list.to_str().unwrap(),
            "--origin",
            &origin,
            "--rp-id",
            &rule,
        ],
        "",
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
}

#[test]
fn lint_warns_when_an_rp_id_is_not_isolated_in_a_browser() {
    let rule = rule_chromium_lacks();
    let config = temp_file(
        "tenant.toml",
        &format!("rp_ids = [\"tenant.{rule}\"]\norigins = [\"https://tenant.{rule}\"]\n"),
    );
    let o = rpscope(&["lint", config.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("warning[psl-snapshot-lag]") && stdout(&o).contains(&rule),
        "{}",
        stdout(&o)
    );
}
