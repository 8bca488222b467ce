//! Server-side verification: every reason code, pattern semantics, and the
//! mistakes real RP libraries made (dot boundaries, scheme, trailing slashes).

use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, CompiledPolicy, Policy, ServerRequest};
use rpscope_core::{PublicSuffixList, Reason};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn psl() -> &'static PublicSuffixList {
    static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
    PSL.get_or_init(PublicSuffixList::vendored)
}

fn policy(rp_ids: &[&str], origins: &[&str]) -> Policy {
    Policy {
        rp_ids: rp_ids.iter().map(|s| s.to_string()).collect(),
        origins: origins.iter().map(|s| s.to_string()).collect(),
        ..Policy::default()
    }
}

fn compiled(rp_ids: &[&str], origins: &[&str]) -> CompiledPolicy {
    policy(rp_ids, origins)
        .compile(psl())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn origin_reason(p: &CompiledPolicy, origin: &str) -> Reason {
    verify(
        p,
        &ServerRequest {
            origin,
            ..ServerRequest::default()
        },
    )
    .reason()
}

#[test]
fn every_server_reason_code_is_reachable() {
    let mut seen = BTreeSet::new();
    let mut p = policy(&["example.com"], &["https://example.com"]);
    p.allow_cross_origin = true;
    p.top_origins = vec!["https://embedder.example".into()];
    let cp = p.compile(psl()).unwrap();
    let closed = compiled(&["example.com"], &["https://example.com"]);
    let hash: [u8; 32] = Sha256::digest(b"example.com").into();
    let other: [u8; 32] = Sha256::digest(b"example.org").into();
    let cases: Vec<(&CompiledPolicy, ServerRequest<'_>, Reason)> = vec![
        (
            &cp,
            ServerRequest {
                origin: "https://example.com",
                rp_id_hash: Some(&hash),
                ..Default::default()
            },
            Reason::OriginMatch,
        ),
        (
            &cp,
            ServerRequest {
                origin: "https://example.com/",
                ..Default::default()
            },
            Reason::InvalidOrigin,
        ),
        (
            &cp,
            ServerRequest {
                origin: "https://evil.example",
                ..Default::default()
            },
            Reason::OriginNotAllowed,
        ),
        (
            &closed,
            ServerRequest {
                origin: "https://example.com",
                cross_origin: Some(true),
                top_origin: Some("https://embedder.example"),
                ..Default::default()
            },
            Reason::CrossOriginNotAllowed,
        ),
        (
            &cp,
            ServerRequest {
                origin: "https://example.com",
                cross_origin: Some(true),
                top_origin: Some("https://evil.example"),
                ..Default::default()
            },
            Reason::TopOriginNotAllowed,
        ),
        (
            &cp,
            ServerRequest {
                origin: "https://example.com",
                cross_origin: Some(false),
                top_origin: Some("https://embedder.example"),
                ..Default::default()
            },
            Reason::InconsistentCrossOrigin,
        ),
        (
            &cp,
            ServerRequest {
                origin: "https://example.com",
                rp_id_hash: Some(&other),
                ..Default::default()
            },
            Reason::RpIdHashMismatch,
        ),
    ];
    for (p, request, expected) in cases {
        let v = verify(p, &request);
        assert_eq!(v.reason(), expected, "{request:?}: {}", v.explanation());
        assert!(!v.explanation().to_string().is_empty());
        seen.insert(expected);
    }
    let err = policy(&[], &["https://example.com"])
        .compile(psl())
        .unwrap_err();
    let request = ServerRequest {
        origin: "https://example.com",
        ..Default::default()
    };
    let v = rpscope_core::server::ServerVerdict::invalid_policy(&request, &err);
    assert_eq!(v.reason(), Reason::InvalidPolicy);
    assert!(v.explanation().to_string().contains("`rp_ids` is empty"));
    seen.insert(Reason::InvalidPolicy);
    let all: BTreeSet<_> = Reason::SERVER.iter().copied().collect();
    assert_eq!(seen, all);
}

/// webauthn-rs before 0.5.5 accepted `evil-example.com` for an `example.com`
/// subdomain rule; a subdomain wildcard needs a dot boundary and never admits the apex.
#[test]
fn subdomain_wildcards_keep_the_dot_boundary() {
    let p = compiled(&["example.com"], &["https://*.example.com"]);
    assert_eq!(
        origin_reason(&p, "https://login.example.com"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "https://a.b.example.com"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "https://example.com"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "https://evil-example.com"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "https://example.com.evil.com"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "https://login.example.com:8443"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "http://login.example.com"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "https://login.example.com."),
        Reason::OriginNotAllowed
    );
}

/// java-webauthn-server's relaxed mode stopped comparing the scheme.
#[test]
fn scheme_is_always_compared() {
    let p = compiled(
        &["example.com"],
        &["https://example.com:*", "https://*.example.com:*"],
    );
    assert_eq!(
        origin_reason(&p, "https://example.com:8006"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "https://example.com"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "http://example.com"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "http://pve.example.com:8006"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "https://pve.example.com:8006"),
        Reason::OriginMatch
    );
}

/// py_webauthn #90 and SimpleWebAuthn: a trailing slash or default port in the
/// configuration must not break matching; the policy normalises them away.
#[test]
fn policy_spelling_is_normalised() {
    let p = compiled(
        &["example.com"],
        &["HTTPS://Example.COM:443/", "http://LOCALHOST:3000/"],
    );
    assert_eq!(
        origin_reason(&p, "https://example.com"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "http://localhost:3000"),
        Reason::OriginMatch
    );
    // The presented origin, by contrast, must be a serialised origin.
    assert_eq!(
        origin_reason(&p, "https://example.com/"),
        Reason::InvalidOrigin
    );
    assert_eq!(
        origin_reason(&p, "https://EXAMPLE.com"),
        Reason::InvalidOrigin
    );
    assert_eq!(
        origin_reason(&p, "https://example.com:443"),
        Reason::InvalidOrigin
    );
}

#[test]
fn app_origins_are_exact_and_case_sensitive() {
    let key = "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk";
    let p = compiled(&["example.com"], &[key, "ios:bundle-id:com.example.App"]);
    assert_eq!(origin_reason(&p, key), Reason::OriginMatch);
    assert_eq!(
        origin_reason(&p, &key.to_ascii_lowercase()),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "ios:bundle-id:com.example.app"),
        Reason::OriginNotAllowed
    );
    assert_eq!(
        origin_reason(&p, "ios:bundle-id:com.example.App"),
        Reason::OriginMatch
    );
    assert_eq!(origin_reason(&p, ""), Reason::InvalidOrigin);
}

#[test]
fn cross_origin_rules() {
    let mut p = policy(&["example.com"], &["https://example.com"]);
    p.allow_cross_origin = true;
    p.top_origins = vec!["https://*.partner.example".into()];
    let p = p.compile(psl()).unwrap();
    let r = |cross, top| {
        verify(
            &p,
            &ServerRequest {
                origin: "https://example.com",
                cross_origin: cross,
                top_origin: top,
                rp_id_hash: None,
            },
        )
        .reason()
    };
    assert_eq!(
        r(Some(true), Some("https://shop.partner.example")),
        Reason::OriginMatch
    );
    assert_eq!(
        r(Some(true), Some("https://partner.example")),
        Reason::TopOriginNotAllowed
    );
    assert_eq!(r(Some(true), None), Reason::TopOriginNotAllowed);
    assert_eq!(
        r(Some(true), Some("android:apk-key-hash:x")),
        Reason::TopOriginNotAllowed
    );
    assert_eq!(
        r(None, Some("https://shop.partner.example")),
        Reason::InconsistentCrossOrigin
    );
    assert_eq!(r(Some(false), None), Reason::OriginMatch);
    assert_eq!(r(None, None), Reason::OriginMatch);
}

#[test]
fn rp_id_hash_against_several_rp_ids() {
    let p = compiled(
        &["example.com", "example.co.uk"],
        &["https://example.co.uk"],
    );
    let uk: [u8; 32] = Sha256::digest(b"example.co.uk").into();
    let upper: [u8; 32] = Sha256::digest(b"EXAMPLE.co.uk").into();
    let r = |h: &[u8]| {
        verify(
            &p,
            &ServerRequest {
                origin: "https://example.co.uk",
                rp_id_hash: Some(h),
                ..Default::default()
            },
        )
        .reason()
    };
    assert_eq!(r(&uk), Reason::OriginMatch);
    assert_eq!(r(&upper), Reason::RpIdHashMismatch);
    assert_eq!(r(&uk[..31]), Reason::RpIdHashMismatch);
    assert_eq!(r(&[]), Reason::RpIdHashMismatch);
}

#[test]
fn invalid_policies_say_every_problem() {
    let err = policy(
        &["Example.com", "10.0.0.1", "https://example.com"],
        &["https://*.com", "https://example.com/login", ""],
    )
    .compile(psl())
    .unwrap_err();
    assert_eq!(err.problems.len(), 6, "{err}");
    let text = err.to_string();
    for needle in [
        "not canonical",
        "IP address",
        "not a valid domain string",
        "public suffix",
        "no path",
        "empty",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

/// Matching does not depend on how many patterns there are: 100,000 origins
/// and the same answers as one.
#[test]
fn large_policies_match_the_same() {
    let origins: Vec<String> = (0..100_000)
        .map(|i| format!("https://app{i}.example.com"))
        .collect();
    let refs: Vec<&str> = origins.iter().map(String::as_str).collect();
    let p = compiled(&["example.com"], &refs);
    assert_eq!(
        origin_reason(&p, "https://app99999.example.com"),
        Reason::OriginMatch
    );
    assert_eq!(
        origin_reason(&p, "https://app100000.example.com"),
        Reason::OriginNotAllowed
    );
}
