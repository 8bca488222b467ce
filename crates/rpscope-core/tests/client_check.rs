//! End-to-end client-side checks: every reason code, the spec's examples, and
//! every profile divergence, each pinned to the source it comes from.

use rpscope_core::client::{check, ClientRequest, WellKnownResponse};
use rpscope_core::{Profile, PublicSuffixList, Reason, Verdict};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn psl() -> &'static PublicSuffixList {
    static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
    PSL.get_or_init(PublicSuffixList::vendored)
}

const JSON: &str = "application/json";

fn wk<'a>(status: u16, content_type: &'a str, body: &'a str) -> Option<WellKnownResponse<'a>> {
    Some(WellKnownResponse {
        status,
        content_type,
        body: body.as_bytes(),
        redirects: &[],
    })
}

fn decide(
    profile: &Profile,
    origin: &str,
    rp_id: Option<&str>,
    well_known: Option<WellKnownResponse<'_>>,
) -> Reason {
    let v = check(
        &ClientRequest {
            origin,
            rp_id,
            well_known,
        },
        profile,
        psl(),
    );
    assert_eq!(v.verdict(), v.reason().verdict());
    assert!(!v.explanation().to_string().is_empty());
    v.reason()
}

const LISTS_UK: &str = r#"{"origins":["https://example.co.uk"]}"#;

/// A redirect chain through plain http.
fn http_hop() -> &'static [String] {
    static HOP: OnceLock<Vec<String>> = OnceLock::new();
    HOP.get_or_init(|| {
        vec![
            "http://example.com/hop".to_owned(),
            "https://example.com/webauthn.json".to_owned(),
        ]
    })
}

/// One request per reason code (spec profile unless the code needs another).
/// (profile, origin, rp_id, well-known response, expected reason)
type Row = (
    Profile,
    &'static str,
    Option<&'static str>,
    Option<WellKnownResponse<'static>>,
    Reason,
);

fn reason_table() -> Vec<Row> {
    use Reason::*;
    let p = Profile::SPEC;
    vec![
        (p, "https://login.example.com", None, None, RpIdEqualsHost),
        (
            p,
            "https://login.example.com:1337",
            Some("example.com"),
            None,
            RpIdRegistrableSuffix,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            wk(200, JSON, LISTS_UK),
            RelatedOriginsMatch,
        ),
        (
            p,
            "login.example.com",
            Some("example.com"),
            None,
            InvalidOrigin,
        ),
        (
            p,
            "data:text/html,<p>hi",
            Some("example.com"),
            None,
            OpaqueOrigin,
        ),
        (
            p,
            "http://login.example.com",
            Some("example.com"),
            None,
            InsecureScheme,
        ),
        (p, "https://0x7f.1", None, None, IpAddressOrigin),
        (
            p,
            "https://login.example.com",
            Some("https://example.com"),
            None,
            InvalidRpId,
        ),
        (
            p,
            "https://login.example.com",
            Some("1.2.3"),
            None,
            IpAddressRpId,
        ),
        (
            p,
            "https://login.example.co.uk",
            Some("co.uk"),
            None,
            RpIdPublicSuffix,
        ),
        (
            p,
            "https://evil-example.com",
            Some("example.com"),
            None,
            RpIdNotSuffix,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            wk(404, JSON, LISTS_UK),
            RelatedOriginsBadStatus,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            Some(WellKnownResponse {
                status: 200,
                content_type: JSON,
                body: LISTS_UK.as_bytes(),
                redirects: http_hop(),
            }),
            RelatedOriginsBadRedirect,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            wk(200, "text/html", LISTS_UK),
            RelatedOriginsBadContentType,
        ),
        (
            Profile::CHROMIUM,
            "https://example.co.uk",
            Some("example.com"),
            Some(WellKnownResponse {
                status: 200,
                content_type: JSON,
                body: &[b' '; (1 << 18) + 1],
                redirects: &[],
            }),
            RelatedOriginsTooLarge,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            wk(200, JSON, r#"{"origins":["https://example.co.uk",5]}"#),
            RelatedOriginsBadJson,
        ),
        (
            p,
            "https://example.co.uk",
            Some("example.com"),
            wk(200, JSON, r#"{"origins":["https://example.de"]}"#),
            RelatedOriginsNoMatch,
        ),
        (
            p,
            "https://f.com",
            Some("example.com"),
            wk(
                200,
                JSON,
                r#"{"origins":["https://a.com","https://b.com","https://c.com","https://d.com","https://e.com","https://f.com"]}"#,
            ),
            RelatedOriginsLabelLimit,
        ),
        (
            Profile::WEBKIT,
            "https://example.co.uk",
            Some("example.com"),
            // The table holds 'static responses: a test may leak one document.
            wk(
                200,
                JSON,
                Box::leak(webkit_candidates(101).into_boxed_str()),
            ),
            RelatedOriginsCandidateLimit,
        ),
    ]
}

/// A document whose caller entry (`https://example.co.uk`) follows `before - 1`
/// entries that share its label `example` (so no label limit is ever reached).
fn webkit_candidates(before: usize) -> String {
    let mut entries: Vec<String> = (1..before)
        .map(|n| format!(r#""https://s{n}.example.com""#))
        .collect();
    entries.push(r#""https://example.co.uk""#.to_owned());
    format!(r#"{{"origins":[{}]}}"#, entries.join(","))
}

#[test]
fn every_reason_code_is_reachable_and_pinned() {
    let mut seen = BTreeSet::new();
    for (profile, origin, rp_id, well_known, expected) in reason_table() {
        assert_eq!(
            decide(&profile, origin, rp_id, well_known),
            expected,
            "{origin} / {rp_id:?} / {}",
            profile.name()
        );
        seen.insert(expected);
    }
    let all: BTreeSet<_> = Reason::CLIENT.iter().copied().collect();
    assert_eq!(seen, all, "a reason code has no pinned request");
}

/// WebAuthn L3 §4, RP ID (note-pkcredscope): "`https://login.example.com:1337` …
/// valid: `login.example.com` (default) and `example.com`, but not
/// `m.login.example.com` and not `com`."
#[test]
fn webauthn_spec_example_in_every_profile() {
    for p in Profile::ALL {
        let o = "https://login.example.com:1337";
        assert_eq!(decide(p, o, None, None), Reason::RpIdEqualsHost);
        assert_eq!(
            decide(p, o, Some("login.example.com"), None),
            Reason::RpIdEqualsHost
        );
        assert_eq!(
            decide(p, o, Some("example.com"), None),
            Reason::RpIdRegistrableSuffix
        );
        assert_eq!(
            decide(p, o, Some("m.login.example.com"), None),
            Reason::RpIdNotSuffix
        );
        assert_eq!(decide(p, o, Some("com"), None), Reason::RpIdPublicSuffix);
    }
}

/// The port never changes the verdict.
#[test]
fn ports_do_not_matter() {
    for port in ["", ":443", ":8006", ":1", ":65535"] {
        let origin = format!("https://pve.example.com{port}");
        for p in Profile::ALL {
            assert_eq!(
                decide(p, &origin, Some("example.com"), None),
                Reason::RpIdRegistrableSuffix
            );
        }
    }
}

/// Chromium's unit-test table for `OriginIsAllowedToClaimRelyingPartyId`
/// (`components/webauthn/core/browser/webauthn_security_utils_unittest.cc`).
#[test]
fn chromium_claim_table() {
    let rows: &[(&str, &str, bool)] = &[
        ("https://example.com", "", false),
        ("https://example.com", "example.com", true),
        ("https://foo.example.com", "example.com", true),
        ("https://bar.foo.example.com", "example.com", true),
        ("https://example.com", "google.com", false),
        ("https://notexample.com", "example.com", false),
        ("http://localhost", "localhost", true),
        ("https://localhost", "localhost", true),
        ("https://localhost", "example.com", false),
        ("http://foo.localhost", "localhost", false),
        ("https://127.0.0.1", "127.0.0.1", false),
        ("https://example.com", "com", false),
        ("https://foo.example.co.uk", "co.uk", false),
        ("https://foo.example.co.uk", "uk", false),
        ("https://foo.appspot.com", "appspot.com", false),
        ("https://foo.up.railway.app", "railway.app", false),
        ("https://foo.up.railway.app", "up.railway.app", false),
        ("https://foo.up.railway.app", "foo.up.railway.app", true),
        ("https://bar.foo.up.railway.app", "foo.up.railway.app", true),
        ("https://foo.s3.amazonaws.com", "amazonaws.com", false),
        ("https://foo.s3.amazonaws.com", "foo.s3.amazonaws.com", true),
        ("http://example.com", "example.com", false),
        ("https://login.awesomecompany", "awesomecompany", false),
    ];
    for &(origin, rp_id, allowed) in rows {
        let v = decide(&Profile::CHROMIUM, origin, Some(rp_id), None);
        assert_eq!(
            v.verdict() == Verdict::Accept,
            allowed,
            "{origin} claiming {rp_id:?}: {v}"
        );
    }
}

#[test]
fn divergence_http_subdomains_of_localhost() {
    let o = "http://app.localhost:5173";
    assert_eq!(
        decide(&Profile::SPEC, o, None, None),
        Reason::InsecureScheme
    );
    assert_eq!(
        decide(&Profile::CHROMIUM, o, None, None),
        Reason::RpIdEqualsHost
    );
    assert_eq!(
        decide(&Profile::FIREFOX, o, None, None),
        Reason::RpIdEqualsHost
    );
}

#[test]
fn divergence_trailing_dot_on_the_caller() {
    let o = "https://login.example.com.";
    assert_eq!(
        decide(&Profile::SPEC, o, Some("example.com"), None),
        Reason::RpIdNotSuffix
    );
    assert_eq!(
        decide(&Profile::FIREFOX, o, Some("example.com"), None),
        Reason::RpIdNotSuffix
    );
    assert_eq!(
        decide(&Profile::CHROMIUM, o, Some("example.com"), None),
        Reason::RpIdRegistrableSuffix
    );
    for p in Profile::ALL {
        assert_eq!(
            decide(p, o, Some("example.com."), None),
            Reason::RpIdRegistrableSuffix
        );
    }
}

#[test]
fn divergence_upper_case_and_unicode_rp_ids() {
    let o = "https://login.example.com";
    assert_eq!(
        decide(&Profile::SPEC, o, Some("EXAMPLE.com"), None),
        Reason::RpIdRegistrableSuffix
    );
    assert_eq!(
        decide(&Profile::CHROMIUM, o, Some("EXAMPLE.com"), None),
        Reason::RpIdNotSuffix
    );
    assert_eq!(
        decide(&Profile::FIREFOX, o, Some("EXAMPLE.com"), None),
        Reason::InvalidRpId
    );
    let o = "https://xn--bcher-kva.example";
    assert_eq!(
        decide(&Profile::SPEC, o, Some("bücher.example"), None),
        Reason::RpIdEqualsHost
    );
    assert_eq!(
        decide(&Profile::FIREFOX, o, Some("bücher.example"), None),
        Reason::InvalidRpId
    );
    // Chromium's related-origins step canonicalises the RP ID before fetching.
    let body = r#"{"origins":["https://other.example"]}"#;
    let o = "https://other.example";
    assert_eq!(
        decide(
            &Profile::CHROMIUM,
            o,
            Some("EXAMPLE.com"),
            wk(200, JSON, body)
        ),
        Reason::RelatedOriginsMatch
    );
    assert_eq!(
        decide(
            &Profile::FIREFOX,
            o,
            Some("EXAMPLE.com"),
            wk(200, JSON, body)
        ),
        Reason::InvalidRpId
    );
}

#[test]
fn divergence_ip_rp_id_with_a_related_origins_document() {
    let o = "https://example.com";
    let body = r#"{"origins":["https://example.com"]}"#;
    assert_eq!(
        decide(&Profile::SPEC, o, Some("192.0.2.1"), wk(200, JSON, body)),
        Reason::IpAddressRpId
    );
    assert_eq!(
        decide(
            &Profile::CHROMIUM,
            o,
            Some("192.0.2.1"),
            wk(200, JSON, body)
        ),
        Reason::IpAddressRpId
    );
    assert_eq!(
        decide(&Profile::FIREFOX, o, Some("192.0.2.1"), wk(200, JSON, body)),
        Reason::RelatedOriginsMatch
    );
    // Firefox's fetcher requires the host to round-trip, so a short IPv4 form does not fetch.
    assert_eq!(
        decide(&Profile::FIREFOX, o, Some("192.0.513"), wk(200, JSON, body)),
        Reason::IpAddressRpId
    );
}

#[test]
fn divergence_related_origins_status_content_type_and_size() {
    let o = "https://example.co.uk";
    let r = |p: &Profile, w| decide(p, o, Some("example.com"), w);
    assert_eq!(
        r(&Profile::SPEC, wk(204, JSON, LISTS_UK)),
        Reason::RelatedOriginsBadStatus
    );
    assert_eq!(
        r(&Profile::CHROMIUM, wk(204, JSON, LISTS_UK)),
        Reason::RelatedOriginsMatch
    );
    assert_eq!(
        r(&Profile::FIREFOX, wk(204, JSON, LISTS_UK)),
        Reason::RelatedOriginsBadStatus
    );
    let sneaky = "text/plain; note=application/json";
    assert_eq!(
        r(&Profile::SPEC, wk(200, sneaky, LISTS_UK)),
        Reason::RelatedOriginsBadContentType
    );
    assert_eq!(
        r(&Profile::CHROMIUM, wk(200, sneaky, LISTS_UK)),
        Reason::RelatedOriginsBadContentType
    );
    assert_eq!(
        r(&Profile::FIREFOX, wk(200, sneaky, LISTS_UK)),
        Reason::RelatedOriginsMatch
    );
    let big = format!("{LISTS_UK}{}", " ".repeat(1 << 18));
    assert_eq!(
        r(&Profile::SPEC, wk(200, JSON, &big)),
        Reason::RelatedOriginsMatch
    );
    assert_eq!(
        r(&Profile::CHROMIUM, wk(200, JSON, &big)),
        Reason::RelatedOriginsTooLarge
    );
    assert_eq!(
        r(&Profile::FIREFOX, wk(200, JSON, &big)),
        Reason::RelatedOriginsMatch
    );
}

/// WebKit's `WellKnownOriginList.{h,cpp}` (WebKit PR #72038, bug 321380): status exactly
/// 200, `application/json` compared ASCII case-insensitively with no parameters, a
/// 64 KiB cap and at most 100 labelled entries examined.
#[test]
fn webkit_related_origins_limits() {
    let o = "https://example.co.uk";
    let r = |p: &Profile, w| decide(p, o, Some("example.com"), w);
    let w = &Profile::WEBKIT;
    assert_eq!(r(w, wk(200, JSON, LISTS_UK)), Reason::RelatedOriginsMatch);
    assert_eq!(
        r(w, wk(204, JSON, LISTS_UK)),
        Reason::RelatedOriginsBadStatus
    );
    assert_eq!(
        r(w, wk(200, "APPLICATION/JSON", LISTS_UK)),
        Reason::RelatedOriginsMatch
    );
    assert_eq!(
        r(w, wk(200, "application/json; charset=utf-8", LISTS_UK)),
        Reason::RelatedOriginsBadContentType
    );
    assert_eq!(
        r(
            &Profile::CHROMIUM,
            wk(200, "application/json; charset=utf-8", LISTS_UK)
        ),
        Reason::RelatedOriginsMatch
    );
    // 64 KiB is read, one byte more is not; Chromium reads up to 256 KiB.
    let at_cap = format!("{LISTS_UK}{}", " ".repeat((64 << 10) - LISTS_UK.len()));
    assert_eq!(r(w, wk(200, JSON, &at_cap)), Reason::RelatedOriginsMatch);
    let over = format!("{at_cap} ");
    assert_eq!(r(w, wk(200, JSON, &over)), Reason::RelatedOriginsTooLarge);
    assert_eq!(
        r(&Profile::CHROMIUM, wk(200, JSON, &over)),
        Reason::RelatedOriginsMatch
    );
    // The 100th labelled entry is examined, the 101st is not.
    let (hundred, hundred_one, one_fifty) = (
        webkit_candidates(100),
        webkit_candidates(101),
        webkit_candidates(150),
    );
    assert_eq!(r(w, wk(200, JSON, &hundred)), Reason::RelatedOriginsMatch);
    assert_eq!(
        r(w, wk(200, JSON, &hundred_one)),
        Reason::RelatedOriginsCandidateLimit
    );
    assert_eq!(
        r(&Profile::CHROMIUM, wk(200, JSON, &one_fifty)),
        Reason::RelatedOriginsMatch
    );
    // Entries without a label do not count toward the 100.
    let unlabelled = hundred.replacen(
        r#"{"origins":["#,
        &format!(r#"{{"origins":[{}"#, r#""not a url","#.repeat(30)),
        1,
    );
    assert_eq!(
        r(w, wk(200, JSON, &unlabelled)),
        Reason::RelatedOriginsMatch
    );
    // An http hop fails the fetch.
    assert_eq!(
        r(
            w,
            Some(WellKnownResponse {
                status: 200,
                content_type: JSON,
                body: LISTS_UK.as_bytes(),
                redirects: http_hop(),
            })
        ),
        Reason::RelatedOriginsBadRedirect
    );
}

#[test]
fn without_a_well_known_response_the_local_reason_stands() {
    assert_eq!(
        decide(
            &Profile::SPEC,
            "https://example.co.uk",
            Some("example.com"),
            None
        ),
        Reason::RpIdNotSuffix
    );
    // A public-suffix RP ID still goes through related origins (no PSL test there).
    let body = r#"{"origins":["https://foo.github.io"]}"#;
    assert_eq!(
        decide(
            &Profile::SPEC,
            "https://foo.github.io",
            Some("github.io"),
            wk(200, JSON, body)
        ),
        Reason::RelatedOriginsMatch
    );
}

#[test]
fn home_lab_hosts_claim_themselves_only() {
    for p in Profile::ALL {
        assert_eq!(
            decide(p, "https://pve.lan:8006", None, None),
            Reason::RpIdEqualsHost
        );
        assert_eq!(
            decide(p, "https://pve.lan:8006", Some("lan"), None),
            Reason::RpIdPublicSuffix
        );
        assert_eq!(
            decide(p, "https://caddy", Some("caddy"), None),
            Reason::RpIdEqualsHost
        );
        assert_eq!(
            decide(p, "https://router.home.arpa", Some("home.arpa"), None),
            Reason::RpIdPublicSuffix
        );
    }
}

/// Measured in Firefox ESR 153.7.0: a host that a rule of the list makes a public
/// suffix may not claim itself; single labels only the implicit `*` rule covers may.
#[test]
fn firefox_refuses_a_listed_public_suffix_its_own_host() {
    use Reason::*;
    for (origin, spec_and_chromium, firefox) in [
        ("https://github.io", RpIdEqualsHost, RpIdPublicSuffix),
        ("https://com", RpIdEqualsHost, RpIdPublicSuffix),
        ("https://home.arpa", RpIdEqualsHost, RpIdPublicSuffix),
        ("https://caddy", RpIdEqualsHost, RpIdEqualsHost),
        ("http://localhost:3000", RpIdEqualsHost, RpIdEqualsHost),
        ("https://example.com", RpIdEqualsHost, RpIdEqualsHost),
    ] {
        assert_eq!(
            decide(&Profile::SPEC, origin, None, None),
            spec_and_chromium,
            "{origin}"
        );
        assert_eq!(
            decide(&Profile::CHROMIUM, origin, None, None),
            spec_and_chromium,
            "{origin}"
        );
        assert_eq!(
            decide(&Profile::FIREFOX, origin, None, None),
            firefox,
            "{origin}"
        );
    }
    // The local check fails and the related-origins document is consulted, as the
    // measurement saw (the fetch was made); an entry that is itself a public suffix
    // has no registrable-origin label, so it cannot match (WebAuthn L3 §5.11.1).
    let listed = r#"{"origins":["https://github.io"]}"#;
    assert_eq!(
        decide(
            &Profile::FIREFOX,
            "https://github.io",
            Some("github.io"),
            wk(200, JSON, listed)
        ),
        RelatedOriginsNoMatch
    );
}

/// Chromium's `url::DomainIs` lets a strict subdomain claim `.example.com`
/// (measured, Chromium 156); the spec and Firefox refuse the invalid RP ID.
#[test]
fn chromium_matches_a_leading_dot_rp_id_against_subdomains_only() {
    use Reason::*;
    let d = |p: &Profile, origin, rp_id| decide(p, origin, Some(rp_id), None);
    let c = &Profile::CHROMIUM;
    assert_eq!(
        d(c, "https://login.example.com", ".example.com"),
        RpIdRegistrableSuffix
    );
    assert_eq!(
        d(c, "https://a.b.example.com", ".example.com"),
        RpIdRegistrableSuffix
    );
    assert_eq!(d(c, "https://example.com", ".example.com"), InvalidRpId);
    assert_eq!(
        d(c, "https://evil-example.com", ".example.com"),
        InvalidRpId
    );
    assert_eq!(d(c, "https://example.com", ".com"), InvalidRpId);
    assert_eq!(
        d(c, "https://login.example.com", "..example.com"),
        InvalidRpId
    );
    assert_eq!(d(c, "https://login.example.co.uk", ".co.uk"), InvalidRpId);
    assert_eq!(
        d(c, "https://login.example.com", ".EXAMPLE.com"),
        InvalidRpId
    );
    for p in [&Profile::SPEC, &Profile::FIREFOX] {
        assert_eq!(
            d(p, "https://login.example.com", ".example.com"),
            InvalidRpId
        );
    }
}

/// Every profile refuses a well-known fetch redirected through http (WebAuthn L3
/// §5.11.1; Firefox's redirectChain check; measured in Chromium 156) and follows
/// https redirects, to other hosts too.
#[test]
fn related_origins_redirects_must_stay_on_https() {
    let https_only = ["https://cdn.example.net/webauthn.json".to_owned()];
    let not_a_url = ["https://exa mple.com/x".to_owned()];
    for profile in Profile::ALL {
        let with = |redirects: &[String]| {
            decide(
                profile,
                "https://example.co.uk",
                Some("example.com"),
                Some(WellKnownResponse {
                    status: 200,
                    content_type: JSON,
                    body: LISTS_UK.as_bytes(),
                    redirects,
                }),
            )
        };
        assert_eq!(
            with(http_hop()),
            Reason::RelatedOriginsBadRedirect,
            "{}",
            profile.name()
        );
        let https: &'static [String] = Box::leak(Box::new(https_only.clone()));
        assert_eq!(
            with(https),
            Reason::RelatedOriginsMatch,
            "{}",
            profile.name()
        );
        let bad: &'static [String] = Box::leak(Box::new(not_a_url.clone()));
        assert_eq!(
            with(bad),
            Reason::RelatedOriginsBadRedirect,
            "{}",
            profile.name()
        );
    }
}

/// The dotted rows of Chromium's authenticator tests
/// (`content/browser/webauth/authenticator_test_base.h`, `kValidRpTestCases` and
/// `kInvalidRpTestCases`): the URL parser keeps a caller's empty labels and the
/// checks compare strings, so `https://.google.com` and `https://..google.com` may
/// claim `google.com` and `.google.com`. The spec and Firefox profiles refuse
/// such a caller as no valid domain.
#[test]
fn chromium_authenticator_table_rows_with_empty_labels() {
    let rows: &[(&str, &str, bool)] = &[
        // kValidRpTestCases: "Hosts with trailing dot valid for rpIds with or
        // without trailing dot", "Two trailing dots only matches rpIDs with two
        // trailing dots", "Leading dots are ignored in canonicalized hosts".
        ("https://google.com.", "google.com", true),
        ("https://google.com.", "google.com.", true),
        ("https://google.com..", "google.com..", true),
        ("https://.google.com", "google.com", true),
        ("https://..google.com", "google.com", true),
        ("https://.google.com", ".google.com", true),
        ("https://..google.com", ".google.com", true),
        ("https://accounts.google.com", ".google.com", true),
        // kInvalidRpTestCases (BAD_RELYING_PARTY_ID).
        ("https://google.com", "google.com.", false),
        ("https://google.com", "google.com..", false),
        ("https://google.com", ".google.com", false),
        ("https://google.com..", "google.com", false),
        ("https://.com", "com.", false),
        ("https://.co.uk", "co.uk.", false),
    ];
    for &(origin, rp_id, allowed) in rows {
        let v = decide(&Profile::CHROMIUM, origin, Some(rp_id), None);
        assert_eq!(
            v.verdict() == Verdict::Accept,
            allowed,
            "{origin} claiming {rp_id:?}: {v}"
        );
    }
    for p in [&Profile::SPEC, &Profile::FIREFOX] {
        for origin in [
            "https://.google.com",
            "https://..google.com",
            "https://google.com..",
        ] {
            assert_eq!(
                decide(p, origin, None, None),
                Reason::InvalidOrigin,
                "{origin}"
            );
        }
    }
}

/// Derived from the same code, beyond the table: the default RP ID of a dotted
/// caller is its host; the public-suffix tests still hold; a related-origins
/// document is fetched only for an RP ID that is a domain.
#[test]
fn chromium_empty_label_callers_keep_the_public_suffix_tests() {
    use Reason::*;
    let c = &Profile::CHROMIUM;
    let d = |origin, rp_id| decide(c, origin, rp_id, None);
    assert_eq!(d("https://a..example.com", None), RpIdEqualsHost);
    assert_eq!(
        d("https://a..example.com", Some("example.com")),
        RpIdRegistrableSuffix
    );
    assert_eq!(d("https://.example.com", Some("com")), RpIdPublicSuffix);
    assert_eq!(
        d("https://foo..github.io", Some("github.io")),
        RpIdPublicSuffix
    );
    assert_eq!(
        d("https://foo..up.railway.app", Some("railway.app")),
        RpIdPublicSuffix
    );
    assert_eq!(
        d("https://.evil-example.com", Some("example.com")),
        RpIdNotSuffix
    );
    assert_eq!(
        d("https://.example.com", Some("EXAMPLE.com")),
        RpIdNotSuffix
    );
    assert_eq!(
        d("https://login.example.com", Some("..example.com")),
        InvalidRpId
    );
    assert_eq!(
        d("https://x..example.com", Some("..example.com")),
        RpIdRegistrableSuffix
    );
    // The local check fails for a non-canonical spelling; related origins run on
    // the canonical RP ID, and never for one with an empty label. (An entry with
    // an empty label has no registrable domain here, so no document lists such a
    // caller: docs/profiles.md, known gaps.)
    assert_eq!(
        decide(
            c,
            "https://.example.com",
            Some("EXAMPLE.com"),
            wk(200, JSON, LISTS_UK)
        ),
        RelatedOriginsNoMatch
    );
    assert_eq!(
        decide(
            c,
            "https://.example.com",
            Some("example..com"),
            wk(200, JSON, LISTS_UK)
        ),
        InvalidRpId
    );
}
