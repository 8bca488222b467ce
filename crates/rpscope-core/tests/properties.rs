//! Property tests: invariants of the scoping rules, over generated hosts, ports,
//! schemes, IP forms and public suffixes from the vendored list (the matcher against
//! the naive reference lives in rpscope-oracles, `tests/matcher_properties.rs`).
//!
//! The default case count keeps `cargo test` fast; `PROPTEST_CASES=100000`
//! deepens a run (the nightly job does). Failing seeds are kept in
//! `proptest-regressions/`.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rpscope_core::client::{check, ClientRequest, WellKnownResponse};
use rpscope_core::{Profile, PublicSuffixList, Reason, Verdict};
use std::sync::OnceLock;

fn psl() -> &'static PublicSuffixList {
    static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
    PSL.get_or_init(PublicSuffixList::vendored)
}

/// Plain (non-wildcard, non-exception) ASCII rules of the vendored list, both sections.
fn listed_suffixes() -> &'static [String] {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        let text = include_str!("../../../data/psl/public_suffix_list.dat");
        text.lines()
            .map(str::trim)
            .filter(|l| {
                !l.is_empty() && !l.starts_with("//") && l.is_ascii() && !l.contains(['*', '!'])
            })
            .map(str::to_owned)
            .collect()
    })
}

fn suffix() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(listed_suffixes()),
        1 => prop::sample::select(vec!["lan", "internal", "home.arpa", "example", "test", "localhost"]).prop_map(str::to_owned),
    ]
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z][a-z0-9]{0,7}",
        1 => "[a-z0-9]{1,4}-[a-z0-9]{1,4}",
        1 => prop::sample::select(vec!["bücher", "例え", "münchen", "παράδειγμα", "xn--bcher-kva"]).prop_map(str::to_owned),
    ]
}

/// A domain host: 1 to 4 labels over a suffix.
fn domain() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..=4), suffix())
        .prop_map(|(labels, s)| format!("{}.{s}", labels.join(".")))
}

fn canonical(host: &str) -> Option<String> {
    match url::Host::parse(host) {
        Ok(url::Host::Domain(d)) => Some(d),
        _ => None,
    }
}

fn profile() -> impl Strategy<Value = Profile> {
    prop::sample::select(Profile::ALL.to_vec())
}

fn decide(
    profile: &Profile,
    origin: &str,
    rp_id: Option<&str>,
) -> rpscope_core::client::ClientVerdict {
    check(
        &ClientRequest {
            origin,
            rp_id,
            well_known: None,
        },
        profile,
        psl(),
    )
}

/// An RP ID drawn from the host itself: one of its dot-suffixes, or something near.
fn rp_for(host: &str, pick: usize) -> String {
    let suffixes: Vec<&str> = std::iter::once(host)
        .chain(host.match_indices('.').map(|(i, _)| &host[i + 1..]))
        .collect();
    match pick % (suffixes.len() + 2) {
        n if n < suffixes.len() => suffixes[n].to_owned(),
        n if n == suffixes.len() => format!("x{host}"),
        _ => format!(
            "evil-{}",
            suffixes[suffixes.len().saturating_sub(2).min(suffixes.len() - 1)]
        ),
    }
}

/// Every way the WHATWG URL parser spells an IPv4 address.
fn ipv4_forms(n: u32) -> Vec<String> {
    let [a, b, c, d] = n.to_be_bytes();
    vec![
        format!("{a}.{b}.{c}.{d}"),
        format!("{n}"),
        format!("{n:#x}"),
        format!("0{n:o}"),
        format!("{a}.{}", n & 0x00ff_ffff),
        format!("{a}.{b}.{}", n & 0xffff),
        format!("{a:#x}.{b}.{c:#o}.{d}"),
    ]
}

/// Failing seeds go to `proptest-regressions/properties.txt` (committed); the case
/// count comes from `PROPTEST_CASES` (default 256).
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// The caller's port never changes a client-side verdict or reason.
    #[test]
    fn ports_never_change_the_client_verdict(host in domain(), pick in 0usize..8, port in 0u16..=65535, p in profile()) {
        let Some(host) = canonical(&host) else { return Ok(()) };
        let rp = rp_for(&host, pick);
        let plain = decide(&p, &format!("https://{host}"), Some(&rp));
        let ported = decide(&p, &format!("https://{host}:{port}"), Some(&rp));
        prop_assert_eq!(plain.reason(), ported.reason());
    }

    /// Host case and IDNA spelling of the caller never change the verdict.
    #[test]
    fn host_case_and_idna_spelling_never_change_the_verdict(host in domain(), pick in 0usize..8, flips in any::<u64>(), p in profile()) {
        let Some(ascii) = canonical(&host) else { return Ok(()) };
        let rp = rp_for(&ascii, pick);
        let upper: String = ascii.chars().enumerate().map(|(i, c)| if flips >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect();
        let reference = decide(&p, &format!("https://{ascii}"), Some(&rp)).reason();
        prop_assert_eq!(decide(&p, &format!("https://{upper}"), Some(&rp)).reason(), reference);
        prop_assert_eq!(decide(&p, &format!("https://{host}"), Some(&rp)).reason(), reference);
    }

    /// An accepted RP ID is the caller's host or a dot-boundary suffix of it; one that
    /// differs from the host is never a public suffix; none is an IP or empty. (Related
    /// origins accept other RP IDs only when the document lists the caller: see below.)
    #[test]
    fn accepted_rp_ids_are_the_host_or_a_registrable_suffix(host in domain(), pick in 0usize..8, port in prop::option::of(1u16..), p in profile()) {
        let Some(host) = canonical(&host) else { return Ok(()) };
        let rp = rp_for(&host, pick);
        let origin = match port { Some(n) => format!("https://{host}:{n}"), None => format!("https://{host}") };
        let v = decide(&p, &origin, Some(&rp));
        if v.verdict() == Verdict::Accept {
            let got = v.rp_id().unwrap_or_default();
            prop_assert!(!got.is_empty());
            prop_assert!(got == host || host.ends_with(&format!(".{got}")), "{got} for {host}");
            if got != host {
                prop_assert_ne!(psl().public_suffix(got), Some(got), "{} is a public suffix", got);
                prop_assert_eq!(v.reason(), Reason::RpIdRegistrableSuffix);
            }
            prop_assert!(url::Host::parse(got).is_ok_and(|h| matches!(h, url::Host::Domain(_))));
        }
    }

    /// IP callers in every IPv4 form, and IPv6, are refused in every profile.
    #[test]
    fn ip_callers_are_always_refused(n in any::<u32>(), v6 in any::<u128>(), p in profile()) {
        for form in ipv4_forms(n) {
            let r = decide(&p, &format!("https://{form}"), None).reason();
            prop_assert!(matches!(r, Reason::IpAddressOrigin | Reason::InvalidOrigin), "{form}: {r}");
        }
        let v6 = std::net::Ipv6Addr::from(v6);
        prop_assert_eq!(decide(&p, &format!("https://[{v6}]"), None).reason(), Reason::IpAddressOrigin);
    }

    /// `rp-id-registrable-suffix` is monotone: if `a.b.example.com` may claim an RP
    /// ID, so may `b.example.com` whenever the RP ID is still its host or a suffix.
    #[test]
    fn registrable_suffix_is_monotone(host in domain(), pick in 0usize..8, p in profile()) {
        let Some(host) = canonical(&host) else { return Ok(()) };
        let Some((_, parent)) = host.split_once('.') else { return Ok(()) };
        let rp = rp_for(&host, pick);
        if !(rp == parent || parent.ends_with(&format!(".{rp}"))) {
            return Ok(());
        }
        if decide(&p, &format!("https://{host}"), Some(&rp)).verdict() == Verdict::Accept {
            prop_assert_eq!(decide(&p, &format!("https://{parent}"), Some(&rp)).verdict(), Verdict::Accept, "{} claims {} but {} cannot", host, rp, parent);
        }
    }

    /// Related origins: entries after the caller never turn an accept into a reject,
    /// and a sixth new label never matches.
    #[test]
    fn related_origins_invariants(before in prop::collection::vec(domain(), 0..7), after in prop::collection::vec(domain(), 0..7), caller in domain(), p in profile()) {
        let Some(caller) = canonical(&caller) else { return Ok(()) };
        let origin = format!("https://{caller}");
        let doc = |entries: &[String]| serde_json::json!({ "origins": entries }).to_string();
        let mut listed: Vec<String> = before.iter().map(|h| format!("https://{h}")).collect();
        listed.push(origin.clone());
        let run = |body: &str| check(&ClientRequest {
            origin: &origin,
            rp_id: Some("rp.example"),
            well_known: Some(WellKnownResponse { status: 200, content_type: "application/json", body: body.as_bytes(), redirects: &[] }),
        }, &p, psl());
        let first = run(&doc(&listed));
        let mut longer = listed.clone();
        longer.extend(after.iter().map(|h| format!("https://{h}")));
        if first.verdict() == Verdict::Accept {
            prop_assert_eq!(first.reason(), Reason::RelatedOriginsMatch);
            prop_assert_eq!(run(&doc(&longer)).verdict(), Verdict::Accept);
        }
        // Five distinct labels the caller does not share, then the caller: never a match.
        let Some(label) = psl().registrable_domain(&caller).and_then(|d| d.split('.').next()) else { return Ok(()) };
        if label.starts_with("other") {
            return Ok(());
        }
        let others: Vec<String> = (0..5).map(|i| format!("https://other{i}.example")).collect();
        let mut crowded = others.clone();
        crowded.push(origin.clone());
        prop_assert_eq!(run(&doc(&crowded)).reason(), Reason::RelatedOriginsLabelLimit);
    }

    /// A serialised origin parses back to the same origin, and both readers agree.
    #[test]
    fn origin_serialisation_round_trips(host in domain(), port in prop::option::of(any::<u16>()), https in any::<bool>()) {
        let scheme = if https { "https" } else { "http" };
        let text = match port { Some(p) => format!("{scheme}://{host}:{p}/path"), None => format!("{scheme}://{host}") };
        let Ok(url) = url::Url::parse(&text) else { return Ok(()) };
        let serialised = url.origin().ascii_serialization();
        let again = url::Url::parse(&serialised).expect("a serialised origin parses");
        prop_assert_eq!(again.origin(), url.origin());
        prop_assert_eq!(again.origin().ascii_serialization(), serialised.clone());
        match rpscope_core::server::presented::read(&serialised) {
            Ok(rpscope_core::server::presented::Presented::Web(o)) => prop_assert_eq!(o.serialized, serialised.as_str()),
            other => prop_assert!(false, "{serialised}: {other:?}"),
        }
    }
}
