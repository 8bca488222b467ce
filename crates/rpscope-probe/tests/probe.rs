//! `rpscope-probe` against a local HTTPS server with its own CA: every fetch rule,
//! every failure bounded in time and memory, and the verdicts the core draws.

mod support;

use rpscope_core::{ProfileId, PslSnapshots, Reason, Verdict};
use rpscope_probe::mobile::PolicyRef;
use rpscope_probe::probe::{AssociationFile, LabelGroup, AASA_RULES, ASSETLINKS_RULES};
use rpscope_probe::{
    probe, ConnectTo, FetchErrorKind, FetchOptions, FetchRecord, FetchRules, Fetcher, ProbeReport,
    ProbeRequest, Redirects, Roots, MAX_READ_BYTES, MAX_REDIRECTS,
};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::{site, Server};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start(site::handler))
}

fn fetcher_with(pem: &str, connect_to: &str, timeout: Duration) -> Fetcher {
    let mut roots = Roots::empty();
    roots.add_pem(pem.as_bytes()).expect("PEM");
    Fetcher::new(FetchOptions {
        roots,
        connect_to: vec![ConnectTo::parse(connect_to).expect("rule")],
        timeout,
    })
}

fn fetcher(timeout: Duration) -> Fetcher {
    let s = server();
    fetcher_with(&s.ca_pem, &s.connect_to(), timeout)
}

const HTTPS_ONLY: FetchRules = FetchRules {
    redirects: Redirects::HttpsOnly,
    max_body_bytes: None,
};

fn fetch(host: &str, rules: &FetchRules) -> FetchRecord {
    fetcher(Duration::from_secs(10)).fetch(host, "/.well-known/webauthn", rules)
}

fn run(rp_id: &str, origins: &[&str], timeout: Duration) -> ProbeReport {
    let origins: Vec<String> = origins.iter().map(|s| s.to_string()).collect();
    let request = ProbeRequest {
        rp_id,
        origins: &origins,
        profiles: ProfileId::ALL,
        android: false,
        ios: false,
        policy: None,
    };
    probe(
        &fetcher(timeout),
        &request,
        &PslSnapshots::builtin(),
        &mut |_| {},
    )
    .expect("probe")
}

fn reason(report: &ProbeReport, origin: usize, profile: ProfileId) -> Reason {
    report.origins[origin].verdicts[profile.as_str()].reason
}

#[test]
fn a_served_document_admits_the_listed_origin_under_every_profile() {
    let report = run(
        "brand.example",
        &["https://brand.co.uk", "https://evil.co.uk"],
        Duration::from_secs(10),
    );
    assert_eq!(report.rp_id, "brand.example");
    // Spec and Firefox fetch alike (no cap); Chromium caps the body at 256 KiB,
    // WebKit at 64 KiB: three fetches.
    let groups: Vec<&[ProfileId]> = report.fetches.iter().map(|f| &f.profiles[..]).collect();
    assert_eq!(
        groups,
        [
            &[ProfileId::Spec, ProfileId::Firefox][..],
            &[ProfileId::Chromium][..],
            &[ProfileId::Webkit][..],
        ]
    );
    let caps: Vec<Option<usize>> = report
        .fetches
        .iter()
        .map(|f| f.rules.max_body_bytes)
        .collect();
    assert_eq!(caps, [None, Some(256 * 1024), Some(64 * 1024)]);
    for f in &report.fetches {
        assert_eq!(f.record.error, None);
        assert_eq!(f.record.status, Some(200));
        assert_eq!(f.record.bytes, site::BRAND_DOC.len());
        assert!(f.record.hops.is_empty());
    }
    for profile in ProfileId::ALL {
        assert_eq!(reason(&report, 0, *profile), Reason::RelatedOriginsMatch);
        assert_eq!(reason(&report, 1, *profile), Reason::RelatedOriginsNoMatch);
    }
    assert!(!report.all_accepted());
    assert!(!report.network_failure());
    // Nothing identifying is sent.
    for seen in server().seen() {
        let head = seen.head.to_ascii_lowercase();
        for header in ["cookie:", "authorization:", "referer:", "origin:"] {
            assert!(!head.contains(header), "{header} in {head}");
        }
    }
}

#[test]
fn the_label_table_shows_duplicates_skips_and_each_profiles_limit() {
    let report = run("brand.example", &[], Duration::from_secs(10));
    // Spec, Chromium and WebKit count a label once; Firefox gives every entry a slot.
    assert_eq!(report.labels.len(), 2);
    assert_eq!(
        report.labels[0].profiles,
        [ProfileId::Spec, ProfileId::Chromium, ProfileId::Webkit]
    );
    let fates = |g: &LabelGroup| g.entries.iter().map(|e| e.fate).collect::<Vec<_>>();
    assert_eq!(
        fates(&report.labels[0]),
        ["counted", "duplicate", "duplicate", "no-label", "not-url"]
    );
    assert_eq!(report.labels[1].profiles, [ProfileId::Firefox]);
    assert_eq!(
        fates(&report.labels[1]),
        ["counted", "counted", "counted", "no-label", "not-url"]
    );
    assert_eq!(report.labels[1].entries[2].slot, Some(3));

    let report = run(
        "labels.example",
        &["https://f.com"],
        Duration::from_secs(10),
    );
    let group = |id: ProfileId| -> &LabelGroup {
        report
            .labels
            .iter()
            .find(|g| g.profiles.contains(&id))
            .expect("group")
    };
    assert_eq!(group(ProfileId::Spec).limit_reached_at, Some(5));
    assert_eq!(group(ProfileId::Spec).entries[5].fate, "beyond-limit");
    assert_eq!(group(ProfileId::Spec).entries[4].slot, Some(5));
    assert_eq!(
        reason(&report, 0, ProfileId::Chromium),
        Reason::RelatedOriginsLabelLimit
    );
}

/// WebKit stops after 100 labelled entries: the 101st entry on is never
/// examined, for the verdict and in its label table; the other profiles read on.
#[test]
fn the_webkit_label_table_stops_at_the_candidate_limit() {
    let report = run(
        "candidates.example",
        &[
            "https://h99.example.com",
            "https://h100.example.com",
            "https://h120.example.com",
        ],
        Duration::from_secs(10),
    );
    for profile in [ProfileId::Spec, ProfileId::Chromium, ProfileId::Firefox] {
        for origin in 0..3 {
            assert_eq!(
                reason(&report, origin, profile),
                Reason::RelatedOriginsMatch,
                "{profile:?} {origin}"
            );
        }
    }
    assert_eq!(
        reason(&report, 0, ProfileId::Webkit),
        Reason::RelatedOriginsMatch
    );
    for origin in [1, 2] {
        assert_eq!(
            reason(&report, origin, ProfileId::Webkit),
            Reason::RelatedOriginsCandidateLimit
        );
    }
    let webkit = report
        .labels
        .iter()
        .find(|g| g.profiles.contains(&ProfileId::Webkit))
        .expect("group");
    assert_eq!(webkit.profiles, [ProfileId::Webkit]);
    assert_eq!(webkit.max_candidates, Some(100));
    assert_eq!(webkit.candidate_limit_reached_at, Some(100));
    assert_eq!(webkit.entries[99].fate, "duplicate");
    assert!(webkit.entries[99].reachable);
    for i in [100, 120, 149] {
        assert_eq!(webkit.entries[i].fate, "beyond-candidate-limit", "{i}");
        assert_eq!(webkit.entries[i].label.as_deref(), Some("example"));
        assert!(!webkit.entries[i].reachable);
    }
    let spec = &report.labels[0];
    assert_eq!(spec.profiles, [ProfileId::Spec, ProfileId::Chromium]);
    assert_eq!(spec.candidate_limit_reached_at, None);
    assert!(spec.entries[120].reachable);
}

#[test]
fn content_type_and_status_rules_come_from_each_profile() {
    use ProfileId::*;
    let cases: &[(&str, [Reason; 3])] = &[
        (
            "charset.example",
            [
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsMatch,
            ],
        ),
        (
            "upper.example",
            [
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsBadContentType,
            ],
        ),
        ("text.example", [Reason::RelatedOriginsBadContentType; 3]),
        (
            "status203.example",
            [
                Reason::RelatedOriginsBadStatus,
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsBadStatus,
            ],
        ),
        (
            "big.example",
            [
                Reason::RelatedOriginsMatch,
                Reason::RelatedOriginsTooLarge,
                Reason::RelatedOriginsMatch,
            ],
        ),
        ("notjson.example", [Reason::RelatedOriginsBadJson; 3]),
        ("spa.example", [Reason::RelatedOriginsBadContentType; 3]),
    ];
    for (host, expected) in cases {
        let report = run(host, &["https://brand.co.uk"], Duration::from_secs(10));
        for (profile, want) in [Spec, Chromium, Firefox].iter().zip(expected) {
            assert_eq!(reason(&report, 0, *profile), *want, "{host} {profile:?}");
        }
        assert!(!report.network_failure(), "{host}");
    }
}

#[test]
fn a_body_over_the_cap_is_read_to_the_cap_and_one_byte() {
    let rules = FetchRules {
        redirects: Redirects::HttpsOnly,
        max_body_bytes: Some(256 * 1024),
    };
    let r = fetch("big.example", &rules);
    assert!(r.truncated);
    assert_eq!(r.bytes, 256 * 1024 + 1);
    assert_eq!(r.body.len(), 256 * 1024 + 1);
}

/// WebKit's own fetch group reads a 300 KiB body only to its 64 KiB cap and one
/// byte (`defaultWellKnownMaxResourceSize`), and a gigabyte stream no further.
#[test]
fn the_webkit_fetch_reads_at_most_64_kib_and_one_byte() {
    let report = run(
        "big.example",
        &["https://brand.co.uk"],
        Duration::from_secs(30),
    );
    let webkit = report
        .fetches
        .iter()
        .find(|f| f.profiles == [ProfileId::Webkit])
        .expect("a webkit fetch group");
    assert_eq!(webkit.rules.max_body_bytes, Some(64 * 1024));
    assert!(webkit.record.truncated);
    assert_eq!(webkit.record.bytes, 64 * 1024 + 1);
    assert_eq!(webkit.record.body.len(), 64 * 1024 + 1);
    assert_eq!(
        reason(&report, 0, ProfileId::Webkit),
        Reason::RelatedOriginsTooLarge
    );
    let rules = webkit.rules;
    for host in ["endless.example", "gigabyte.example"] {
        let r = fetch(host, &rules);
        assert!(r.truncated, "{host}");
        assert_eq!(r.body.len(), 64 * 1024 + 1, "{host}");
    }
}

#[test]
fn https_redirects_are_followed_and_recorded() {
    let r = fetch("moved.example", &HTTPS_ONLY);
    assert_eq!(r.error, None);
    assert_eq!(r.hops.len(), 1);
    assert_eq!(r.hops[0].url, "https://moved.example/.well-known/webauthn");
    assert_eq!(r.hops[0].status, 302);
    assert_eq!(r.redirects(), ["https://cdn.moved.example/webauthn.json"]);
    assert_eq!(r.status, Some(200));

    let report = run(
        "moved.example",
        &["https://brand.co.uk"],
        Duration::from_secs(10),
    );
    assert_eq!(
        reason(&report, 0, ProfileId::Spec),
        Reason::RelatedOriginsMatch
    );
}

#[test]
fn an_http_hop_is_recorded_and_never_requested() {
    let before = server()
        .seen()
        .iter()
        .filter(|s| s.path == "/webauthn.json" && s.host == "http-hop.example")
        .count();
    let r = fetch("http-hop.example", &HTTPS_ONLY);
    assert_eq!(r.error, None);
    assert_eq!(r.redirects(), ["http://http-hop.example/webauthn.json"]);
    assert!(r.stopped.as_deref().unwrap_or("").contains("only https"));
    let after = server()
        .seen()
        .iter()
        .filter(|s| s.path == "/webauthn.json" && s.host == "http-hop.example")
        .count();
    assert_eq!(before, after);
    let report = run(
        "http-hop.example",
        &["https://brand.co.uk"],
        Duration::from_secs(10),
    );
    for profile in ProfileId::ALL {
        assert_eq!(
            reason(&report, 0, *profile),
            Reason::RelatedOriginsBadRedirect
        );
    }
}

#[test]
fn twenty_redirects_are_followed_and_the_twenty_first_fails() {
    let r = fetch("chain20.example", &HTTPS_ONLY);
    assert_eq!(r.error, None, "{r:?}");
    assert_eq!(r.hops.len(), MAX_REDIRECTS);
    assert_eq!(r.status, Some(200));

    let r = fetch("chain21.example", &HTTPS_ONLY);
    assert_eq!(
        r.error.as_ref().map(|e| e.kind),
        Some(FetchErrorKind::TooManyRedirects)
    );
    assert_eq!(r.hops.len(), MAX_REDIRECTS + 1);
}

#[test]
fn a_redirect_loop_ends_with_its_reason() {
    let r = fetch("loop.example", &HTTPS_ONLY);
    let e = r.error.expect("error");
    assert_eq!(e.kind, FetchErrorKind::RedirectLoop);
    assert!(e.message.contains("already requested"), "{}", e.message);
    assert_eq!(r.hops.len(), 2);
}

#[test]
fn hostile_headers_and_locations_end_the_fetch_with_a_reason() {
    let start = Instant::now();
    let r = fetch("bigheader.example", &HTTPS_ONLY);
    assert_eq!(r.error.map(|e| e.kind), Some(FetchErrorKind::Protocol));
    let r = fetch("badlocation.example", &HTTPS_ONLY);
    let e = r.error.expect("error");
    assert_eq!(e.kind, FetchErrorKind::BadRedirect);
    assert!(e.message.contains("not a URL"), "{}", e.message);
    assert_eq!(r.hops.len(), 1);
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn association_files_are_fetched_without_redirects() {
    let f = fetcher(Duration::from_secs(10));
    let r = f.fetch("moved.example", "/.well-known/webauthn", &ASSETLINKS_RULES);
    assert_eq!(r.status, Some(302));
    assert!(r.stopped.is_some());
    assert!(server()
        .seen()
        .iter()
        .all(|s| !(s.host == "cdn.moved.example" && s.head.contains("assetlinks"))));
    let r = f.fetch(
        "spa.example",
        "/.well-known/apple-app-site-association",
        &AASA_RULES,
    );
    assert_eq!(r.status, Some(200));
    assert_eq!(r.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(r.body.starts_with(b"<!doctype html>"));

    let origins: Vec<String> = vec![];
    let request = ProbeRequest {
        rp_id: "brand.example",
        origins: &origins,
        profiles: &[ProfileId::Spec],
        android: true,
        ios: true,
        policy: None,
    };
    let report = probe(&f, &request, &PslSnapshots::builtin(), &mut |_| {}).expect("probe");
    let android = report.android.expect("android");
    assert_eq!(
        android.record.url,
        "https://brand.example/.well-known/assetlinks.json"
    );
    assert!(android.record.body.starts_with(b"[{\"relation\""));
    let ios = report.ios.expect("ios");
    assert!(ios.record.body.starts_with(b"{\"webcredentials\""));
}

/// `--android --ios` on `host`, compared with a policy admitting `origins` (none:
/// each file read on its own).
fn mobile(host: &str, origins: Option<&[&str]>) -> ProbeReport {
    use rpscope_core::server::{Compile, Policy};
    let policy = origins.map(|origins| Policy {
        rp_ids: vec![host.to_owned()],
        origins: origins.iter().map(|o| o.to_string()).collect(),
        ..Policy::default()
    });
    let compiled = policy.as_ref().map(|p| {
        p.compile(&rpscope_core::PublicSuffixList::vendored())
            .expect("compiles")
    });
    let request = ProbeRequest {
        rp_id: host,
        origins: &[],
        profiles: &[ProfileId::Spec],
        android: true,
        ios: true,
        policy: policy
            .as_ref()
            .zip(compiled.as_ref())
            .map(|(policy, compiled)| PolicyRef { policy, compiled }),
    };
    probe(
        &fetcher(Duration::from_secs(10)),
        &request,
        &PslSnapshots::builtin(),
        &mut |_| {},
    )
    .expect("probe")
}

fn codes(file: &Option<AssociationFile>) -> Vec<&str> {
    let file = file.as_ref().expect("fetched");
    file.reading
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect()
}

#[test]
fn association_files_are_read_and_compared_with_the_policy() {
    // The app's origin in the policy, https://brand.example not: Android is fine,
    // iOS apps would present an origin the policy refuses.
    let report = mobile(
        "brand.example",
        Some(&["https://www.brand.example", site::APP_ORIGIN]),
    );
    let android = &report.android.as_ref().unwrap().reading;
    assert!(android.readable);
    assert_eq!(
        android.login_origins.as_deref(),
        Some(&[site::APP_ORIGIN.to_owned()][..])
    );
    let check = android.policy.as_ref().expect("compared");
    assert_eq!(
        check.admitted.as_deref(),
        Some(&[site::APP_ORIGIN.to_owned()][..])
    );
    assert_eq!(check.not_in_policy.as_deref(), Some(&[][..]));
    assert!(android.findings.is_empty(), "{:?}", android.findings);
    let ios = &report.ios.as_ref().unwrap().reading;
    assert_eq!(
        ios.webcredentials_apps.as_deref(),
        Some(&["ABCDE12345.com.example.app".to_owned()][..])
    );
    let check = ios.policy.as_ref().expect("compared");
    assert_eq!(check.rp_id_origin.as_deref(), Some("https://brand.example"));
    assert_eq!(check.rp_id_origin_admitted, Some(false));
    assert_eq!(codes(&report.ios), ["aasa-rp-id-origin-not-allowed"]);
    assert_eq!(ios.findings[0].severity, "error");
    assert!(
        ios.findings[0]
            .message
            .contains("https://brand.example/.well-known/apple-app-site-association"),
        "{}",
        ios.findings[0].message
    );
    assert!(report.association_errors());

    // https://brand.example admitted, and a second app the file does not declare.
    let other = "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let report = mobile(
        "brand.example",
        Some(&["https://brand.example", site::APP_ORIGIN, other]),
    );
    let ios = &report.ios.as_ref().unwrap().reading;
    assert_eq!(
        ios.policy.as_ref().unwrap().rp_id_origin_admitted,
        Some(true)
    );
    assert!(ios.findings.is_empty(), "{:?}", ios.findings);
    let android = &report.android.as_ref().unwrap().reading;
    assert_eq!(
        android.policy.as_ref().unwrap().not_in_file.as_deref(),
        Some(&[other.to_owned()][..])
    );
    assert_eq!(codes(&report.android), ["app-origin-not-in-assetlinks"]);
    assert_eq!(android.findings[0].severity, "warning");
    assert!(!report.association_errors());

    // The app's origin missing from the policy.
    let report = mobile("brand.example", Some(&["https://brand.example"]));
    assert_eq!(codes(&report.android), ["assetlinks-origin-not-in-policy"]);
    assert_eq!(
        report
            .android
            .as_ref()
            .unwrap()
            .reading
            .policy
            .as_ref()
            .unwrap()
            .not_in_policy
            .as_deref(),
        Some(&[site::APP_ORIGIN.to_owned()][..])
    );
}

#[test]
fn association_file_problems_are_each_reported_once() {
    // App Links only: handle_all_urls in assetlinks.json, applinks in the AASA.
    let report = mobile("applinks.example", None);
    let android = &report.android.as_ref().unwrap().reading;
    assert_eq!(android.login_origins.as_deref(), Some(&[][..]));
    let apps = android.apps.as_ref().unwrap();
    assert!(apps[0].handle_all_urls && !apps[0].login_creds);
    assert_eq!(apps[0].origins, [site::APP_ORIGIN]);
    assert!(android.policy.is_none());
    assert_eq!(codes(&report.android), ["assetlinks-no-get-login-creds"]);
    assert_eq!(codes(&report.ios), ["aasa-no-webcredentials"]);
    assert!(report.association_errors());

    // A single-page app's fallback answers the AASA path with its HTML.
    let report = mobile("spa.example", None);
    assert_eq!(codes(&report.ios), ["aasa-html"]);

    // Redirected to www and not followed: the redirect, not also its 302 status.
    let report = mobile("moved.example", None);
    assert_eq!(codes(&report.android), ["assetlinks-redirected"]);
    assert_eq!(codes(&report.ios), ["aasa-redirected"]);
    let android = report.android.as_ref().unwrap();
    assert_eq!(android.record.status, Some(302));
    assert!(android.reading.findings[0]
        .message
        .contains("https://www.moved.example/.well-known/assetlinks.json"));
    assert!(!report.network_failure());

    // A 1 GB Content-Length: each file read to its cap and one byte, refused from
    // its declared length.
    let report = mobile("gigabyte.example", None);
    assert_eq!(codes(&report.android), ["assetlinks-too-large"]);
    assert_eq!(codes(&report.ios), ["aasa-too-large"]);
    let android = report.android.as_ref().unwrap();
    assert_eq!(android.record.body.len(), (1 << 20) + 1);
    assert!(
        android.reading.findings[0].message.contains("1073741824"),
        "{}",
        android.reading.findings[0].message
    );
    assert_eq!(
        report.ios.as_ref().unwrap().record.body.len(),
        128 * 1024 + 1
    );
    // A rule ended each read, not a failure (the spec's uncapped webauthn fetch did fail).
    assert_eq!(android.record.error, None);
    assert!(android.record.truncated);

    // Nothing served: a 404 is the one finding.
    let report = mobile("nothing.example", None);
    assert_eq!(codes(&report.android), ["assetlinks-bad-status"]);
    assert_eq!(codes(&report.ios), ["aasa-bad-status"]);
}

/// Each hostile answer ends within the deadline, with bounded memory.
#[test]
fn slow_endless_and_huge_bodies_end_within_the_timeout() {
    let timeout = Duration::from_millis(1500);
    let f = fetcher(timeout);
    let start = Instant::now();
    let r = f.fetch("slow.example", "/.well-known/webauthn", &HTTPS_ONLY);
    assert!(
        start.elapsed() < timeout + Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.error.map(|e| e.kind), Some(FetchErrorKind::Timeout));
    assert!(r.body.is_empty());

    let capped = FetchRules {
        redirects: Redirects::HttpsOnly,
        max_body_bytes: Some(256 * 1024),
    };
    let f = fetcher(Duration::from_secs(30));
    for host in ["endless.example", "gigabyte.example"] {
        let r = f.fetch(host, "/.well-known/webauthn", &capped);
        assert!(r.truncated, "{host}");
        assert_eq!(r.body.len(), 256 * 1024 + 1, "{host}");
        let r = f.fetch(host, "/.well-known/webauthn", &HTTPS_ONLY);
        let e = r.error.expect("error");
        assert_eq!(e.kind, FetchErrorKind::BodyTooLarge, "{host}");
        assert!(r.body.is_empty() && r.bytes == 0, "{host}");
        assert!(
            e.message.contains(&MAX_READ_BYTES.to_string()),
            "{}",
            e.message
        );
    }
    let r = f.fetch("gigabyte.example", "/.well-known/webauthn", &HTTPS_ONLY);
    assert!(r
        .error
        .unwrap()
        .message
        .contains("Content-Length: 1073741824"));
}

#[test]
fn tls_and_connection_failures_are_network_errors() {
    let s = server();
    // A CA the server's certificates do not chain to.
    let f = fetcher_with(
        &support::other_ca_pem(),
        &s.connect_to(),
        Duration::from_secs(10),
    );
    let r = f.fetch("brand.example", "/.well-known/webauthn", &HTTPS_ONLY);
    assert_eq!(r.error.map(|e| e.kind), Some(FetchErrorKind::Tls));

    let port = support::closed_port();
    let f = fetcher_with(
        &s.ca_pem,
        &format!("::127.0.0.1:{port}"),
        Duration::from_secs(10),
    );
    let start = Instant::now();
    let r = f.fetch("brand.example", "/.well-known/webauthn", &HTTPS_ONLY);
    assert_eq!(r.error.map(|e| e.kind), Some(FetchErrorKind::Connect));
    assert!(start.elapsed() < Duration::from_secs(10));

    let r = fetch("close.example", &HTTPS_ONLY);
    assert!(r.error.is_some());

    // The verdicts fall back to the local check, and the probe reports the failure.
    let origins = vec![
        "https://brand.co.uk".to_owned(),
        "https://login.brand.example".to_owned(),
    ];
    let request = ProbeRequest {
        rp_id: "brand.example",
        origins: &origins,
        profiles: ProfileId::ALL,
        android: false,
        ios: false,
        policy: None,
    };
    let report = probe(&f, &request, &PslSnapshots::builtin(), &mut |_| {}).expect("probe");
    assert!(report.network_failure());
    assert_eq!(reason(&report, 0, ProfileId::Spec), Reason::RpIdNotSuffix);
    assert_eq!(report.origins[1].verdicts["spec"].verdict, Verdict::Accept);
}

#[test]
fn a_malformed_rp_id_is_never_fetched() {
    for bad in [
        "exa mple.com",
        "https://example.com",
        "example.com/x",
        "",
        "192.0.2.1",
    ] {
        let request = ProbeRequest {
            rp_id: bad,
            origins: &[],
            profiles: ProfileId::ALL,
            android: false,
            ios: false,
            policy: None,
        };
        let f = fetcher(Duration::from_secs(1));
        assert!(
            probe(&f, &request, &PslSnapshots::builtin(), &mut |_| {}).is_err(),
            "{bad}"
        );
    }
}
