//! `rpscope lint`'s findings on the configurations users actually write.

use rpscope_core::server::lint::{lint, Deployment, Severity};
use rpscope_core::server::Policy;
use rpscope_core::PublicSuffixList;

fn codes(policy: &Policy, deployment: &Deployment<'_>) -> Vec<(Severity, &'static str)> {
    let psl = PublicSuffixList::vendored();
    lint(policy, deployment, &psl)
        .into_iter()
        .map(|f| (f.severity, f.code.as_str()))
        .collect()
}

fn policy(rp_ids: &[&str], origins: &[&str]) -> Policy {
    Policy {
        rp_ids: rp_ids.iter().map(|s| s.to_string()).collect(),
        origins: origins.iter().map(|s| s.to_string()).collect(),
        ..Policy::default()
    }
}

#[test]
fn a_clean_configuration_has_no_findings() {
    let p = policy(
        &["example.com"],
        &[
            "https://example.com",
            "https://login.example.com",
            "http://localhost:3000",
        ],
    );
    // http://localhost:3000 cannot use example.com, so it needs its own RP ID.
    assert_eq!(
        codes(&p, &Deployment::default()),
        [(Severity::Error, "origin-outside-rp-ids")]
    );
    let p = policy(
        &["example.com"],
        &["https://example.com", "https://login.example.com:8443"],
    );
    assert!(codes(&p, &Deployment::default()).is_empty());
}

/// The home-lab case: public pve.example.com, internal local.pve.example.com:8006.
#[test]
fn home_lab_port_8006() {
    let served = ["https://local.pve.example.com:8006/".to_string()];
    let d = Deployment {
        served_at: &served,
        ..Deployment::default()
    };
    let missing = policy(
        &["pve.example.com"],
        &["https://pve.example.com", "https://local.pve.example.com"],
    );
    assert_eq!(
        codes(&missing, &d),
        [(Severity::Error, "port-not-configured")]
    );
    let fixed = policy(
        &["pve.example.com"],
        &[
            "https://pve.example.com",
            "https://local.pve.example.com:8006",
        ],
    );
    assert!(codes(&fixed, &d).is_empty());
    let any_port = policy(
        &["pve.example.com"],
        &["https://pve.example.com", "https://local.pve.example.com:*"],
    );
    assert!(codes(&any_port, &d).is_empty());
    let elsewhere = policy(&["pve.example.com"], &["https://pve.example.com"]);
    assert_eq!(
        codes(&elsewhere, &d),
        [(Severity::Error, "served-origin-not-allowed")]
    );
}

#[test]
fn brand_and_country_domains_need_a_related_origins_document() {
    let p = policy(
        &["example.com"],
        &[
            "https://example.com",
            "https://example.co.uk",
            "https://example-rewards.com",
        ],
    );
    let without = codes(&p, &Deployment::default());
    assert_eq!(
        without,
        [
            (Severity::Error, "origin-outside-rp-ids"),
            (Severity::Error, "origin-outside-rp-ids")
        ]
    );
    let listed = br#"{"origins":["https://example.co.uk","https://example-rewards.com"]}"#;
    assert!(codes(
        &p,
        &Deployment {
            well_known: Some(listed),
            ..Deployment::default()
        }
    )
    .is_empty());
    let partial = br#"{"origins":["https://example.co.uk"]}"#;
    assert_eq!(
        codes(
            &p,
            &Deployment {
                well_known: Some(partial),
                ..Deployment::default()
            }
        ),
        [(Severity::Error, "related-origins-missing-origin")]
    );
    let crowded = br#"{"origins":["https://a.com","https://b.com","https://c.com","https://d.com","https://e.com","https://example.co.uk","https://example-rewards.com"]}"#;
    let found = codes(
        &p,
        &Deployment {
            well_known: Some(crowded),
            ..Deployment::default()
        },
    );
    assert!(
        found.contains(&(Severity::Error, "related-origins-label-limit")),
        "{found:?}"
    );
    assert!(
        found.contains(&(Severity::Warning, "related-origins-over-label-limit")),
        "{found:?}"
    );
    let broken = br#"{"origins":"https://example.co.uk"}"#;
    assert!(codes(
        &p,
        &Deployment {
            well_known: Some(broken),
            ..Deployment::default()
        }
    )
    .contains(&(Severity::Error, "related-origins-bad-json")));
}

#[test]
fn rp_ids_origins_and_wildcards() {
    assert!(codes(
        &policy(&["github.io"], &["https://me.github.io"]),
        &Deployment::default()
    )
    .contains(&(Severity::Error, "rp-id-public-suffix")));
    assert!(codes(
        &policy(&["10.0.0.1"], &["https://example.com"]),
        &Deployment::default()
    )
    .contains(&(Severity::Error, "invalid-policy")));
    assert_eq!(
        codes(
            &policy(&["example.com"], &["http://example.com"]),
            &Deployment::default()
        ),
        [(Severity::Error, "insecure-origin")]
    );
    assert_eq!(
        codes(
            &policy(&["app.localhost"], &["http://app.localhost:5173"]),
            &Deployment::default()
        ),
        [(Severity::Warning, "http-localhost-subdomain")]
    );
    assert_eq!(
        codes(
            &policy(&["example.com"], &["HTTPS://Example.com:443/"]),
            &Deployment::default()
        ),
        [(Severity::Warning, "origin-not-normal-form")]
    );
    assert_eq!(
        codes(
            &policy(&["example.com"], &["https://*.example.com"]),
            &Deployment::default()
        ),
        [(Severity::Warning, "wildcard-admits-any-subdomain")]
    );
    assert!(codes(
        &policy(&["example.com"], &["https://*.example.net"]),
        &Deployment::default()
    )
    .contains(&(Severity::Error, "origin-outside-rp-ids")));
    assert_eq!(
        codes(
            &policy(&["example.com"], &["https://192.168.1.10:8006"]),
            &Deployment::default()
        ),
        [(Severity::Error, "ip-address-origin")]
    );
    assert_eq!(
        codes(
            &policy(&["example.com"], &["android:apk-key-hash:abc="]),
            &Deployment::default()
        ),
        [(Severity::Warning, "apk-key-hash-shape")]
    );
    assert!(codes(
        &policy(
            &["example.com"],
            &["android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA"]
        ),
        &Deployment::default()
    )
    .is_empty());
}

#[test]
fn cross_origin_settings_that_cannot_work() {
    let mut p = policy(&["example.com"], &["https://example.com"]);
    p.allow_cross_origin = true;
    assert_eq!(
        codes(&p, &Deployment::default()),
        [(Severity::Warning, "cross-origin-without-top-origins")]
    );
    p.allow_cross_origin = false;
    p.top_origins = vec!["https://shop.example.net".into()];
    assert_eq!(
        codes(&p, &Deployment::default()),
        [(Severity::Warning, "top-origins-unused")]
    );
}

#[test]
fn a_host_without_a_scheme_is_flagged() {
    assert_eq!(
        codes(
            &policy(
                &["example.com"],
                &["https://example.com", "login.example.com"]
            ),
            &Deployment::default()
        ),
        [(Severity::Warning, "app-origin-without-scheme")]
    );
}

/// `docs/lint.md` lists every lint code with its severity, and nothing else.
#[test]
fn docs_lint_md_lists_every_code_with_its_severity() {
    use rpscope_core::server::lint::LintCode;
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint.md"),
    )
    .unwrap();
    let rows: Vec<(String, String)> = docs
        .lines()
        .filter_map(|l| {
            let mut cells = l.strip_prefix("| `")?.splitn(3, " | ");
            let code = cells.next()?.strip_suffix('`')?.to_owned();
            Some((code, cells.next()?.to_owned()))
        })
        .collect();
    for code in LintCode::ALL {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        assert!(
            rows.iter()
                .any(|(c, s)| c == code.as_str() && s == severity),
            "docs/lint.md has no row `{code}` | {severity}"
        );
    }
    for (code, _) in &rows {
        assert!(
            LintCode::ALL.iter().any(|c| c.as_str() == code),
            "docs/lint.md lists `{code}`, which is no lint code"
        );
    }
}
