//! The client-side check never panics, and its verdict is always consistent:
//! the reason fixes the verdict, an explanation is always rendered, and an
//! accepted RP ID is the caller's host or a dot-boundary suffix of it unless
//! related origins accepted it.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rpscope_core::client::{check, ClientRequest, WellKnownResponse};
use rpscope_core::{Profile, PublicSuffixList, Reason, Verdict};
use std::sync::OnceLock;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    origin: &'a str,
    rp_id: Option<&'a str>,
    profile: u8,
    well_known: Option<(u16, &'a str, &'a [u8])>,
}

fuzz_target!(|input: Input<'_>| {
    static PSL: OnceLock<PublicSuffixList> = OnceLock::new();
    let psl = PSL.get_or_init(PublicSuffixList::vendored);
    let profile = Profile::ALL[usize::from(input.profile) % Profile::ALL.len()];
    let request = ClientRequest {
        origin: input.origin,
        rp_id: input.rp_id,
        well_known: input
            .well_known
            .map(|(status, content_type, body)| WellKnownResponse { status, content_type, body }),
    };
    let v = check(&request, &profile, psl);
    assert_eq!(v.verdict(), v.reason().verdict());
    assert!(!v.explanation().to_string().is_empty());
    if v.verdict() == Verdict::Accept && v.reason() != Reason::RelatedOriginsMatch {
        let rp = v.rp_id().expect("an accept names its RP ID");
        let host = v.caller_host().expect("an accept has a caller host");
        let host = host.strip_suffix('.').filter(|_| !rp.ends_with('.')).unwrap_or(host);
        assert!(
            rp == host || (host.ends_with(rp) && host.as_bytes()[host.len() - rp.len() - 1] == b'.'),
            "accepted {rp} for {host}"
        );
    }
});
