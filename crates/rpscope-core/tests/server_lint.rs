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

fn findings(
    policy: &Policy,
    deployment: &Deployment<'_>,
) -> Vec<rpscope_core::server::lint::Finding> {
    lint(policy, deployment, &PublicSuffixList::vendored())
}

/// The development setup every framework documents: clean, and no advice that
/// leads back to where it started.
#[test]
fn localhost_for_development_is_fine() {
    assert!(codes(
        &policy(&["localhost"], &["http://localhost:3000"]),
        &Deployment::default()
    )
    .is_empty());
    assert!(codes(
        &policy(
            &["localhost"],
            &["http://localhost:3000", "https://localhost:8443"]
        ),
        &Deployment::default()
    )
    .is_empty());
    // `localhost` with no page on localhost: the advice does not send the user to
    // `*.localhost` (which http-localhost-subdomain would send back).
    let found = findings(
        &policy(&["localhost"], &["https://example.com"]),
        &Deployment::default(),
    );
    let suffix = found
        .iter()
        .find(|f| f.code.as_str() == "rp-id-public-suffix")
        .expect("rp-id-public-suffix");
    assert!(!suffix.fix.contains("yourname.localhost"), "{suffix}");
    assert!(suffix.fix.contains("http://localhost:<port>"), "{suffix}");
    // A public suffix claimed by itself: the spec and Chromium allow it, Firefox does not.
    let found = findings(
        &policy(&["github.io"], &["https://github.io"]),
        &Deployment::default(),
    );
    assert!(
        found
            .iter()
            .any(|f| f.code.as_str() == "rp-id-public-suffix"
                && f.message.ends_with("under the firefox profile")),
        "{found:#?}"
    );
}

#[test]
fn unknown_schemes_are_reported_not_taken_for_app_origins() {
    for (origin, fix) in [
        ("*://example.com", Some("https://example.com")),
        ("ftp://files.example.com", Some("https://files.example.com")),
        ("wss://example.com", Some("https://example.com")),
        ("wss:example", None),
    ] {
        let found = findings(
            &policy(&["example.com"], &["https://example.com", origin]),
            &Deployment::default(),
        );
        assert_eq!(found.len(), 1, "{origin}: {found:#?}");
        assert_eq!(found[0].code.as_str(), "origin-unknown-scheme", "{origin}");
        assert_eq!(found[0].severity, Severity::Warning);
        match fix {
            Some(web) => assert!(found[0].fix.contains(&format!("`{web}`")), "{}", found[0]),
            None => assert!(found[0].fix.contains("https://host[:port]"), "{}", found[0]),
        }
    }
    // App origins and browser extensions are what they look like.
    assert!(codes(
        &policy(
            &["example.com"],
            &[
                "https://example.com",
                "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA",
                "ios:bundle-id:com.example.app",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                "moz-extension://0b1c2d3e-aaaa-bbbb-cccc-000000000000",
            ]
        ),
        &Deployment::default()
    )
    .is_empty());
}

#[test]
fn a_fix_never_doubles_the_scheme() {
    for origin in [
        "https//example.com",
        "HTTP//example.com",
        "//example.com",
        "example.com:8443",
    ] {
        let found = findings(
            &policy(&["example.com"], &["https://example.com", origin]),
            &Deployment::default(),
        );
        assert_eq!(
            found.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            ["app-origin-without-scheme"],
            "{origin}"
        );
        assert!(!found[0].fix.contains("https://https"), "{}", found[0]);
        assert!(!found[0].fix.contains("https://http"), "{}", found[0]);
        assert!(
            found[0].fix.contains("`https://example.com"),
            "{}",
            found[0]
        );
    }
}

#[test]
fn each_finding_is_reported_once() {
    // Three spellings of one origin outside the RP ID, a broken document, and a
    // served URL listed twice.
    let p = policy(
        &["example.com"],
        &[
            "https://example.co.uk",
            "https://example.co.uk/",
            "HTTPS://EXAMPLE.co.uk:443",
        ],
    );
    let served = [
        "https://shop.example.com/".to_string(),
        "https://shop.example.com/cart".to_string(),
    ];
    let broken = br#"{"origins":"https://example.co.uk"}"#;
    let found = codes(
        &p,
        &Deployment {
            well_known: Some(broken),
            served_at: &served,
            ..Deployment::default()
        },
    );
    let count = |code: &str| found.iter().filter(|(_, c)| *c == code).count();
    assert_eq!(count("related-origins-bad-json"), 1, "{found:?}");
    assert_eq!(count("served-origin-not-allowed"), 1, "{found:?}");
    // Two spellings differ from the normal form: each is its own finding.
    assert_eq!(count("origin-not-normal-form"), 2, "{found:?}");
    let without = codes(&p, &Deployment::default());
    assert_eq!(
        without
            .iter()
            .filter(|(_, c)| *c == "origin-outside-rp-ids")
            .count(),
        1,
        "{without:?}"
    );
}

/// The brand-and-country configuration, and its document as each browser reads it.
fn brand() -> Policy {
    policy(
        &["example.com"],
        &["https://example.com", "https://example.co.uk"],
    )
}

#[test]
fn the_document_is_judged_under_every_profile() {
    let listed = r#"{"origins":["https://example.co.uk"]}"#;
    let served = |status: Option<u16>, content_type: Option<&'static str>, body: &[u8]| {
        findings(
            &brand(),
            &Deployment {
                well_known: Some(body),
                well_known_status: status,
                well_known_content_type: content_type,
                ..Deployment::default()
            },
        )
    };
    assert!(served(None, None, listed.as_bytes()).is_empty());

    // 575 KiB: Chromium stops reading after 256 KiB, WebKit after 64 KiB; the spec
    // and Firefox read it.
    let padding = " ".repeat(575 * 1024 - listed.len());
    let big = format!("{{\"origins\":[\"https://example.co.uk\"]{padding}}}");
    let found = served(None, None, big.as_bytes());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found
        .iter()
        .all(|f| f.code.as_str() == "related-origins-too-large" && f.severity == Severity::Error));
    assert!(
        found[0]
            .message
            .contains("over the 262144-byte cap under the chromium profile"),
        "{}",
        found[0]
    );
    assert!(
        found[1]
            .message
            .contains("over the 65536-byte cap under the webkit profile"),
        "{}",
        found[1]
    );
    // 100 KiB: only WebKit's cap.
    let padding = " ".repeat(100 * 1024 - listed.len());
    let mid = format!("{{\"origins\":[\"https://example.co.uk\"]{padding}}}");
    let found = served(None, None, mid.as_bytes());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.ends_with("under the webkit profile: the browser stops reading and refuses every origin that needs the document"), "{}", found[0]);

    // 204: Chromium takes any 2xx; the spec, Firefox and WebKit only 200.
    let found = served(Some(204), None, listed.as_bytes());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "related-origins-bad-status");
    assert!(
        found[0]
            .message
            .ends_with("under the spec, firefox and webkit profiles"),
        "{}",
        found[0]
    );

    // `; charset=utf-8`: WebKit compares the whole value with application/json.
    let found = served(
        None,
        Some("application/json; charset=utf-8"),
        listed.as_bytes(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "related-origins-bad-content-type");
    assert!(
        found[0].message.ends_with("under the webkit profile"),
        "{}",
        found[0]
    );

    // WebKit examines at most 100 entries with a label; these 150 share one label.
    let entries: Vec<String> = (1..150)
        .map(|n| format!("\"https://s{n}.example.com\""))
        .chain(["\"https://example.co.uk\"".to_owned()])
        .collect();
    let long = format!("{{\"origins\":[{}]}}", entries.join(","));
    let found = served(None, None, long.as_bytes());
    // (and Firefox's every-entry count, a warning of its own)
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[1].code.as_str(), "related-origins-over-label-limit");
    assert_eq!(found[0].code.as_str(), "related-origins-candidate-limit");
    assert!(
        found[0].message.contains(
            "after 100 other entries with a registrable-domain label under the webkit profile"
        ),
        "{}",
        found[0]
    );

    let found = served(None, Some("text/plain"), listed.as_bytes());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "related-origins-bad-content-type");
    assert!(
        found[0].message.ends_with("is not taken for JSON"),
        "{}",
        found[0]
    );

    // Firefox counts every entry against the limit of 5, the others distinct labels.
    let crowded = br#"{"origins":["https://a.shop.com","https://b.shop.com","https://c.shop.com","https://d.shop.com","https://e.shop.com","https://example.co.uk"]}"#;
    let found = served(None, None, crowded);
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.code.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(got.len(), 2, "{found:#?}");
    assert_eq!(got[0].0, "related-origins-label-limit");
    assert!(
        got[0].1.contains("under the firefox profile"),
        "{}",
        got[0].1
    );
    assert_eq!(got[1].0, "related-origins-over-label-limit");
    assert!(
        got[1].1.contains("has 6 entries")
            && got[1].1.contains("the firefox profile counts every entry"),
        "{}",
        got[1].1
    );
}

/// A document with very many labels: counted once each, listed in part.
#[test]
fn many_labels_are_counted_once_each() {
    let n = 20_000;
    let entries: Vec<String> = (0..n)
        .map(|i| format!("\"https://site{}.com\"", i % (n / 2)))
        .collect();
    let body = format!("{{\"origins\":[{}]}}", entries.join(","));
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            well_known: Some(body.as_bytes()),
            ..Deployment::default()
        },
    );
    // The document is also over Chromium's (256 KiB) and WebKit's (64 KiB) body
    // caps: judged per profile even though no origin of the policy needs it.
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "related-origins-too-large");
    assert!(found[0].message.contains("under the chromium profile"));
    assert_eq!(found[1].code.as_str(), "related-origins-too-large");
    assert!(found[1]
        .message
        .contains("65536-byte cap under the webkit profile"));
    assert_eq!(found[2].code.as_str(), "related-origins-over-label-limit");
    assert!(
        found[2]
            .message
            .contains("names 10000 distinct registrable-domain labels (site0, site1, site2, site3, site4, site5, site6, site7, … and 9992 more)"),
        "{}",
        found[2].message
    );
}

/// A document that no origin of the policy needs is still judged under every
/// profile: the origins it lists rely on it.
#[test]
fn a_document_no_policy_origin_needs_is_still_judged_per_profile() {
    let body = br#"{"origins":["https://example.co.uk"]}"#;
    let judged = |status: Option<u16>, content_type: Option<&'static str>| {
        findings(
            &policy(&["example.com"], &["https://example.com"]),
            &Deployment {
                well_known: Some(body),
                well_known_status: status,
                well_known_content_type: content_type,
                ..Deployment::default()
            },
        )
    };
    assert!(judged(None, None).is_empty());
    let found = judged(None, Some("text/html"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "related-origins-bad-content-type");
    let found = judged(Some(204), None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            // WebKit's `isWellKnownResponseAcceptable` wants exactly 200, as the spec.
            .ends_with("under the spec, firefox and webkit profiles"),
        "{}",
        found[0]
    );
}

/// Each profile's label limit comes from its data: the message names the
/// profiles whose limit is exceeded and the limit each counts with.
#[test]
fn label_limits_are_read_from_each_profile() {
    use rpscope_core::Profile;
    let labels: Vec<String> = (0..7).map(|i| format!("\"https://l{i}.com\"")).collect();
    let body = format!("{{\"origins\":[{}]}}", labels.join(","));
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            well_known: Some(body.as_bytes()),
            ..Deployment::default()
        },
    );
    let over: Vec<&str> = found
        .iter()
        .filter(|f| f.code.as_str() == "related-origins-over-label-limit")
        .map(|f| f.message.as_str())
        .collect();
    // One finding per distinct limit among the profiles 7 labels exceed.
    let mut limits: Vec<usize> = Profile::ALL
        .iter()
        .map(|p| p.related_origins.max_labels)
        .filter(|m| *m < 7)
        .collect();
    limits.sort();
    limits.dedup();
    assert_eq!(over.len(), limits.len(), "{found:#?}");
    for max in limits {
        assert!(
            over.iter()
                .any(|m| m.ends_with(&format!("only the first {max}"))),
            "{over:?}"
        );
    }
}

const FINGERPRINT: &str = "F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1";
const APP_ORIGIN: &str = "android:apk-key-hash:8NBG0L0H0RUs82UW_yGrEVzY1wCT87RCNaatfxFeKeE";

fn assetlinks(relations: &[&str]) -> String {
    serde_json::json!([{
        "relation": relations,
        "target": {"namespace": "android_app", "package_name": "com.example.app", "sha256_cert_fingerprints": [FINGERPRINT]},
    }])
    .to_string()
}

/// android/identity-samples#88: `handle_all_urls` alone; the policy admits the app.
#[test]
fn assetlinks_findings_name_the_file_at_the_rp_id() {
    use rpscope_core::mobile::Served;
    let body = assetlinks(&["delegate_permission/common.handle_all_urls"]);
    let found = findings(
        &policy(&["example.com"], &["https://example.com", APP_ORIGIN]),
        &Deployment {
            assetlinks: Some(Served::file(body.as_bytes())),
            ..Deployment::default()
        },
    );
    let got: Vec<(Severity, &str)> = found
        .iter()
        .map(|f| (f.severity, f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Error, "assetlinks-no-get-login-creds"),
            (Severity::Warning, "app-origin-not-in-assetlinks"),
        ]
    );
    assert!(found[0].message.starts_with(
        "https://example.com/.well-known/assetlinks.json has no android_app statement"
    ));
    assert!(found[0].message.contains("com.example.app declare(s) only"));

    // With get_login_creds and a policy without the app origin: the other direction.
    let body = assetlinks(&["delegate_permission/common.get_login_creds"]);
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            assetlinks: Some(Served::file(body.as_bytes())),
            ..Deployment::default()
        },
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "assetlinks-origin-not-in-policy");
    assert!(found[0].fix.contains(APP_ORIGIN));

    // Both agree: clean.
    let found = findings(
        &policy(&["example.com"], &["https://example.com", APP_ORIGIN]),
        &Deployment {
            assetlinks: Some(Served::file(body.as_bytes())),
            ..Deployment::default()
        },
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// open-chat-labs/open-chat#9241: the SPA fallback; and the RP ID's origin iOS apps present.
#[test]
fn aasa_findings() {
    use rpscope_core::mobile::Served;
    let html = Served {
        content_type: "text/html",
        ..Served::file(b"<!doctype html><html><body><div id=root></div>")
    };
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            aasa: Some(html),
            ..Deployment::default()
        },
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code.as_str(), "aasa-html");

    let body =
        br#"{"webcredentials": {"apps": ["ABCDE12345.com.example.app", "com.example.other"]}}"#;
    let found = findings(
        &policy(&["example.com"], &["https://www.example.com"]),
        &Deployment {
            aasa: Some(Served::file(body)),
            ..Deployment::default()
        },
    );
    let got: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(got, ["aasa-bad-app-id", "aasa-rp-id-origin-not-allowed"]);
    assert!(found[1].message.contains("`https://example.com`"));

    // The policy admits the RP ID's origin: clean.
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            aasa: Some(Served::file(
                br#"{"webcredentials": {"apps": ["ABCDE12345.com.example.app"]}}"#,
            )),
            ..Deployment::default()
        },
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// passkeydeveloper/passkeys.dev#452, w3c/webauthn#2350: a new RP ID strands every passkey.
#[test]
fn an_rp_id_change_is_an_error_and_dropped_origins_are_noted() {
    let old = policy(
        &["Example.com"],
        &["https://example.com", "https://shop.example.com/"],
    );
    let new = policy(
        &["example.net"],
        &["https://example.net", "https://shop.example.com"],
    );
    let found = findings(
        &new,
        &Deployment {
            previous: Some(&old),
            ..Deployment::default()
        },
    );
    let got: Vec<(Severity, &str)> = found
        .iter()
        .filter(|f| matches!(f.code.as_str(), "rp-id-changed" | "origins-dropped"))
        .map(|f| (f.severity, f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Error, "rp-id-changed"),
            (Severity::Warning, "origins-dropped"),
        ],
        "{found:#?}"
    );
    let dropped = found
        .iter()
        .find(|f| f.code.as_str() == "origins-dropped")
        .unwrap();
    assert!(
        dropped.message.starts_with("`https://example.com`"),
        "{}",
        dropped.message
    );

    // The same RP ID written in another case is no change; nothing dropped.
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            previous: Some(&policy(&["EXAMPLE.com"], &["https://EXAMPLE.com"])),
            ..Deployment::default()
        },
    );
    assert!(found.is_empty(), "{found:#?}");

    // Many dropped origins: listed up to a cap, then counted.
    let many: Vec<String> = (0..1000)
        .map(|i| format!("https://h{i}.example.com"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let found = findings(
        &policy(&["example.com"], &["https://example.com"]),
        &Deployment {
            previous: Some(&policy(&["example.com"], &many)),
            ..Deployment::default()
        },
    );
    assert_eq!(found.len(), rpscope_core::mobile::MAX_LISTED + 1);
    assert!(found
        .last()
        .unwrap()
        .message
        .starts_with("984 more origins"));
}
