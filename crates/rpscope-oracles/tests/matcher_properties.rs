//! The compiled matcher against the naive reference verifier ([`rpscope_oracles::reference`]),
//! over generated policies and presented origins. `PROPTEST_CASES` deepens a run.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, Policy, ServerRequest, ServerVerdict};
use rpscope_core::PublicSuffixList;
use rpscope_oracles::reference::naive_verify;
use std::sync::OnceLock;

fn psl() -> &'static PublicSuffixList {
    static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
    PSL.get_or_init(PublicSuffixList::vendored)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/matcher_properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// Pattern and presented-origin generators for the matcher differential.
fn policy_host() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "example.com",
        "login.example.com",
        "a.b.example.com",
        "example.net",
        "evil-example.com",
        "pve.lan",
        "xn--bcher-kva.example",
        "example.com.",
    ])
    .prop_map(str::to_owned)
}

fn pattern() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![443u16, 80, 8006, 8443, 0])),
        policy_host(),
        0u8..12,
    )
        .prop_map(|(https, wildcard, any_port, port, host, kind)| match kind {
            0 => "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA".to_owned(),
            1 => "ios:bundle-id:com.example.App".to_owned(),
            2 => format!("HTTPS://{}/", host.to_uppercase()),
            _ => {
                let scheme = if https { "https" } else { "http" };
                let star = if wildcard { "*." } else { "" };
                let port = if any_port {
                    ":*".to_owned()
                } else {
                    port.map(|p| format!(":{p}")).unwrap_or_default()
                };
                format!("{scheme}://{star}{host}{port}")
            }
        })
}

fn presented() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![443u16, 80, 8006, 8443, 0, 1])),
        prop::sample::select(vec!["", "x.", "a.b.", "evil-"]),
        policy_host(),
        0u8..14,
    )
        .prop_map(|(https, port, prefix, host, kind)| {
            let scheme = if https { "https" } else { "http" };
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let plain = format!("{scheme}://{prefix}{host}{port}");
            match kind {
                0 => "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwkmt9pEsKCiXnTHYbA".to_owned(),
                1 => "ios:bundle-id:com.example.app".to_owned(),
                2 => format!("{plain}/"),
                3 => plain.to_uppercase(),
                4 => String::new(),
                _ => plain,
            }
        })
}

proptest! {
    #![proptest_config(config())]

    /// The compiled, allocation-free matcher agrees with the naive reference on every
    /// generated policy and request.
    #[test]
    fn compiled_matcher_agrees_with_the_naive_reference(
        origins in prop::collection::vec(pattern(), 0..6),
        tops in prop::collection::vec(pattern(), 0..3),
        allow in any::<bool>(),
        origin in presented(),
        cross in prop::option::of(any::<bool>()),
        top in prop::option::of(presented()),
        hash_of in prop::option::of(prop::sample::select(vec!["example.com", "example.net", "EXAMPLE.com"])),
    ) {
        let policy = Policy { rp_ids: vec!["example.com".into(), "example.net".into()], origins, allow_cross_origin: allow, top_origins: tops };
        let hash = hash_of.map(|s| <sha2::Sha256 as sha2::Digest>::digest(s.as_bytes()).to_vec());
        let request = ServerRequest { origin: &origin, cross_origin: cross, top_origin: top.as_deref(), rp_id_hash: hash.as_deref() };
        let fast = match policy.compile(psl()) {
            Ok(compiled) => verify(&compiled, &request).reason(),
            Err(e) => ServerVerdict::invalid_policy(&request, &e).reason(),
        };
        prop_assert_eq!(fast, naive_verify(&policy, &request, psl()), "policy {:?}, request {:?}", policy, request);
    }
}
