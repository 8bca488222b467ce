//! `rpscope probe` against a local HTTPS server with a per-run CA, reached through
//! `--connect-to` and trusted through `--cacert`: the report, its schema, and the
//! exit codes (0 all accepted, 1 a reject, 2 usage, 3 a document not fetched).

#[path = "../../rpscope-probe/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::{site, Server};

struct Fixture {
    server: Server,
    _dir: tempfile::TempDir,
    ca: PathBuf,
    other_ca: PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = Server::start(site::handler);
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, &server.ca_pem).expect("write CA");
        let other_ca = dir.path().join("other.pem");
        std::fs::write(&other_ca, support::other_ca_pem()).expect("write CA");
        Fixture {
            server,
            _dir: dir,
            ca,
            other_ca,
        }
    })
}

/// `rpscope probe ARGS --connect-to … --cacert … --no-system-roots`.
fn probe(args: &[&str]) -> Output {
    let f = fixture();
    probe_with(args, &f.server.connect_to(), &f.ca)
}

fn probe_with(args: &[&str], connect_to: &str, ca: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .arg("probe")
        .args(args)
        .args(["--connect-to", connect_to, "--cacert"])
        .arg(ca)
        .arg("--no-system-roots")
        .output()
        .expect("rpscope runs")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_origin_accepted_exits_0_with_the_json_report() {
    let o = probe(&[
        "--rp-id",
        "brand.example",
        "--origin",
        "https://brand.co.uk",
        "--origin",
        "https://login.brand.example",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = json(&o);
    assert_eq!(report["rp_id"], "brand.example");
    let fetches = report["fetches"].as_array().expect("fetches");
    // Spec and Firefox fetch alike; Chromium (256 KiB) and WebKit (64 KiB) each
    // cap the body, so each makes its own fetch.
    let groups: Vec<&Value> = fetches.iter().map(|f| &f["profiles"]).collect();
    assert_eq!(
        groups,
        [
            &serde_json::json!(["spec", "firefox"]),
            &serde_json::json!(["chromium"]),
            &serde_json::json!(["webkit"]),
        ]
    );
    assert_eq!(fetches[2]["rules"]["max_body_bytes"], 64 * 1024);
    assert_eq!(
        fetches[0]["url"],
        "https://brand.example/.well-known/webauthn"
    );
    assert_eq!(fetches[0]["status"], 200);
    assert_eq!(fetches[0]["content_type"], "application/json");
    assert_eq!(fetches[0]["bytes"], site::BRAND_DOC.len());
    assert_eq!(fetches[0]["error"], Value::Null);
    assert!(fetches[0]["elapsed_ms"].is_u64());
    let chromium = &report["origins"][0]["verdicts"]["chromium"];
    assert_eq!(chromium["verdict"], "accept");
    assert_eq!(chromium["reason"], "related-origins-match");
    assert!(chromium["explanation"]
        .as_str()
        .unwrap()
        .contains("lists the caller's origin"));
    assert_eq!(
        report["origins"][1]["verdicts"]["spec"]["reason"],
        "rp-id-registrable-suffix"
    );
    assert_eq!(report["labels"][0]["entries"][1]["fate"], "duplicate");
    // Progress goes to stderr.
    assert!(text(&o.stderr).contains("fetching https://brand.example/.well-known/webauthn"));
}

#[test]
fn the_report_obeys_its_schema() {
    let schema = Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args(["probe", "--schema"])
        .output()
        .expect("runs");
    assert_eq!(schema.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&schema.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for args in [
        &[
            "--rp-id",
            "brand.example",
            "--origin",
            "https://brand.co.uk",
            "--android",
            "--ios",
            "--json",
        ][..],
        &[
            "--rp-id",
            "loop.example",
            "--origin",
            "https://brand.co.uk",
            "--json",
        ][..],
        &["--rp-id", "labels.example", "--json"][..],
        &["--rp-id", "candidates.example", "--json"][..],
        &[
            "--rp-id",
            "applinks.example",
            "--android",
            "--ios",
            "--json",
        ][..],
        &["--rp-id", "moved.example", "--android", "--ios", "--json"][..],
    ] {
        let report = json(&probe(args));
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
}

#[test]
fn a_reject_exits_1_and_names_the_reason_per_profile() {
    let o = probe(&[
        "--rp-id",
        "upper.example",
        "--origin",
        "https://brand.co.uk",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("firefox   reject (related-origins-bad-content-type)"),
        "{out}"
    );
    assert!(
        out.contains("spec      accept (related-origins-match)"),
        "{out}"
    );

    // One profile only: a document Chromium accepts.
    let o = probe(&[
        "--rp-id",
        "status203.example",
        "--origin",
        "https://brand.co.uk",
        "--profile",
        "chromium",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let o = probe(&[
        "--rp-id",
        "status203.example",
        "--origin",
        "https://brand.co.uk",
        "--profile",
        "spec",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_label_table_shows_where_each_profile_stops() {
    let o = probe(&["--rp-id", "labels.example", "--origin", "https://f.com"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("f: a new label after the limit: never matched"),
        "{out}"
    );
    assert!(out.contains("the limit is reached at entry 5"), "{out}");
}

#[test]
fn entries_past_webkits_candidate_limit_show_their_fate() {
    let o = probe(&[
        "--rp-id",
        "candidates.example",
        "--origin",
        "https://h120.example.com",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("webkit    reject (related-origins-candidate-limit)"),
        "{out}"
    );
    assert!(out.contains("Labels as webkit"), "{out}");
    assert!(
        out.contains("the candidate limit is reached at entry 100"),
        "{out}"
    );
    assert!(
        out.contains(
            "h120.example.com  example: past the candidate limit, the walk has stopped: never matched"
        ),
        "{out}"
    );
    let o = probe(&["--rp-id", "candidates.example", "--json"]);
    let report = json(&o);
    let webkit = report["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["profiles"] == serde_json::json!(["webkit"]))
        .expect("a webkit label group");
    assert_eq!(webkit["max_candidates"], 100);
    assert_eq!(webkit["candidate_limit_reached_at"], 100);
    assert_eq!(webkit["entries"][120]["fate"], "beyond-candidate-limit");
    assert_eq!(webkit["entries"][120]["reachable"], false);
    assert_eq!(webkit["entries"][99]["reachable"], true);
}

#[test]
fn policy_origins_are_decided_and_patterns_named() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("rp.toml");
    std::fs::write(
        &policy,
        "rp_ids = [\"brand.example\"]\norigins = [\"https://brand.co.uk\", \"https://*.brand.example\", \"android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk\", \"https://brand.de\"]\n",
    )
    .unwrap();
    let o = probe(&["--policy", policy.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = json(&o);
    let origins: Vec<&str> = report["origins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["https://brand.co.uk", "https://brand.de"]);
    let err = text(&o.stderr);
    assert!(
        err.contains("`https://*.brand.example` is not decided"),
        "{err}"
    );
    assert!(err.contains("android:apk-key-hash:"), "{err}");
}

fn policy_file(dir: &tempfile::TempDir, rp_id: &str, origins: &[&str]) -> PathBuf {
    let path = dir.path().join(format!("{rp_id}.toml"));
    let origins: Vec<String> = origins.iter().map(|o| format!("{o:?}")).collect();
    std::fs::write(
        &path,
        format!(
            "rp_ids = [\"{rp_id}\"]\norigins = [{}]\n",
            origins.join(", ")
        ),
    )
    .unwrap();
    path
}

#[test]
fn association_files_are_judged_against_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    // Both files fine: the app's origin and https://brand.example are admitted.
    let good = policy_file(
        &dir,
        "brand.example",
        &[
            "https://brand.example",
            "https://brand.co.uk",
            site::APP_ORIGIN,
        ],
    );
    let o = probe(&[
        "--policy",
        good.to_str().unwrap(),
        "--android",
        "--ios",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report = json(&o);
    assert_eq!(
        report["android"]["login_origins"],
        serde_json::json!([site::APP_ORIGIN])
    );
    assert_eq!(
        report["android"]["policy"]["admitted"],
        serde_json::json!([site::APP_ORIGIN])
    );
    assert_eq!(report["android"]["findings"], serde_json::json!([]));
    assert_eq!(
        report["ios"]["webcredentials_apps"],
        serde_json::json!(["ABCDE12345.com.example.app"])
    );
    assert_eq!(report["ios"]["policy"]["rp_id_origin_admitted"], true);

    // The policy lacks https://brand.example: iOS apps are refused, exit 1.
    let lacking = dir.path().join("lacking.toml");
    std::fs::write(
        &lacking,
        format!(
            "rp_ids = [\"brand.example\"]\norigins = [\"https://www.brand.example\", \"{}\"]\n",
            site::APP_ORIGIN
        ),
    )
    .unwrap();
    let o = probe(&["--policy", lacking.to_str().unwrap(), "--ios"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("webcredentials.apps: ABCDE12345.com.example.app"),
        "{out}"
    );
    assert!(
        out.contains(
            "the policy does not admit https://brand.example, the origin iOS apps present"
        ),
        "{out}"
    );
    assert!(
        out.contains("error[aasa-rp-id-origin-not-allowed]"),
        "{out}"
    );
    assert!(out.contains("    fix: "), "{out}");
    let o = probe(&["--policy", lacking.to_str().unwrap(), "--ios", "--json"]);
    let finding = &json(&o)["ios"]["findings"][0];
    assert_eq!(finding["code"], "aasa-rp-id-origin-not-allowed");
    assert_eq!(finding["severity"], "error");
    assert!(finding["fix"]
        .as_str()
        .unwrap()
        .contains("https://brand.example"));
}

#[test]
fn association_file_errors_exit_1_and_are_named_once() {
    // App Links only: no get_login_creds, no webcredentials.
    let o = probe(&["--rp-id", "applinks.example", "--android", "--ios"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("app com.example.app (handle_all_urls)"),
        "{out}"
    );
    assert!(
        out.contains("login origins: none (no statement grants get_login_creds)"),
        "{out}"
    );
    assert!(
        out.contains("error[assetlinks-no-get-login-creds]"),
        "{out}"
    );
    assert!(out.contains("error[aasa-no-webcredentials]"), "{out}");
    assert!(out.contains("(no --policy"), "{out}");

    // The SPA's HTML for the AASA.
    let o = probe(&["--rp-id", "spa.example", "--ios", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let codes: Vec<Value> = json(&o)["ios"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert_eq!(codes, [serde_json::json!("aasa-html")]);

    // Redirected: one finding each, not also a bad status.
    let o = probe(&["--rp-id", "moved.example", "--android", "--ios"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert_eq!(out.matches("error[").count(), 2, "{out}");
    assert!(out.contains("error[assetlinks-redirected]"), "{out}");
    assert!(out.contains("error[aasa-redirected]"), "{out}");
    assert!(!out.contains("bad-status"), "{out}");
}

#[test]
fn network_failures_exit_3_within_the_timeout() {
    let f = fixture();
    // TLS: the server's CA is not trusted.
    let o = probe_with(
        &[
            "--rp-id",
            "brand.example",
            "--origin",
            "https://brand.co.uk",
            "--json",
        ],
        &f.server.connect_to(),
        &f.other_ca,
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let report = json(&o);
    assert_eq!(report["fetches"][0]["error"]["kind"], "tls");
    assert_eq!(
        report["origins"][0]["verdicts"]["spec"]["reason"],
        "rp-id-not-suffix"
    );

    // Nothing listens on the port.
    let port = support::closed_port();
    let o = probe_with(
        &["--rp-id", "brand.example", "--json"],
        &format!("::127.0.0.1:{port}"),
        &f.ca,
    );
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(json(&o)["fetches"][0]["error"]["kind"], "connect");

    // A redirect loop, 21 redirects, a slow body: each ends with its reason.
    for (host, kind) in [
        ("loop.example", "redirect-loop"),
        ("chain21.example", "too-many-redirects"),
        ("slow.example", "timeout"),
    ] {
        let start = Instant::now();
        let o = probe(&["--rp-id", host, "--timeout", "2", "--json"]);
        assert!(
            start.elapsed() < Duration::from_secs(8),
            "{host}: {:?}",
            start.elapsed()
        );
        assert_eq!(o.status.code(), Some(3), "{host}");
        assert_eq!(json(&o)["fetches"][0]["error"]["kind"], kind, "{host}");
    }

    // A 1 GB Content-Length: Chromium stops at its cap (a verdict), the others at 16 MiB.
    let o = probe(&[
        "--rp-id",
        "gigabyte.example",
        "--origin",
        "https://brand.co.uk",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let report = json(&o);
    assert_eq!(report["fetches"][0]["error"]["kind"], "body-too-large");
    assert_eq!(report["fetches"][1]["truncated"], true);
    assert_eq!(report["fetches"][1]["bytes"], 256 * 1024 + 1);
    // WebKit's fetch stops at 64 KiB and one byte.
    assert_eq!(
        report["fetches"][2]["profiles"],
        serde_json::json!(["webkit"])
    );
    assert_eq!(report["fetches"][2]["truncated"], true);
    assert_eq!(report["fetches"][2]["bytes"], 64 * 1024 + 1);
    assert_eq!(
        report["origins"][0]["verdicts"]["webkit"]["reason"],
        "related-origins-too-large"
    );
    assert_eq!(
        report["origins"][0]["verdicts"]["chromium"]["reason"],
        "related-origins-too-large"
    );
}

#[test]
fn usage_errors_exit_2() {
    let f = fixture();
    for args in [
        &["--rp-id", "https://brand.example/"][..],
        &[
            "--rp-id",
            "brand.example",
            "--connect-to",
            "brand.example:443",
        ][..],
        &["--rp-id", "brand.example", "--timeout", "0"][..],
        &["--rp-id", "brand.example", "--profile", "safari"][..],
        &["--origin", "https://brand.co.uk"][..],
    ] {
        let o = probe(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).is_empty());
    }
    // A --cacert that holds no certificate.
    let o = probe_with(
        &["--rp-id", "brand.example"],
        &f.server.connect_to(),
        &f.ca.with_extension("missing"),
    );
    assert_eq!(o.status.code(), Some(2));
    let not_pem = f.ca.with_file_name("rp.toml");
    std::fs::write(&not_pem, "rp_ids = []").unwrap();
    let o = probe_with(
        &["--rp-id", "brand.example"],
        &f.server.connect_to(),
        &not_pem,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no `BEGIN CERTIFICATE`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn help_teaches_with_examples() {
    let o = Command::new(env!("CARGO_BIN_EXE_rpscope"))
        .args(["probe", "--help"])
        .output()
        .unwrap();
    let help = text(&o.stdout);
    for needle in [
        "--connect-to",
        "--cacert",
        "Examples:",
        "Exit codes:",
        "docs/probe.md",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
}
