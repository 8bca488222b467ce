//! Chromium's local check for a caller host with an empty label (`.example.com`,
//! `..example.com`, `a..example.com`, `example.com..`), under
//! [`EmptyLabelHost::ComparedAsWritten`](crate::profile::EmptyLabelHost).
//!
//! The HTML algorithm has no answer for such a host: it is no valid domain, and the
//! Public Suffix List algorithm is defined on non-empty labels. Chromium's code
//! has one, because it compares strings: `OriginIsAllowedToClaimRelyingPartyId`
//! (`components/webauthn/core/browser/webauthn_security_utils.cc`) accepts equal
//! hosts, then requires `url::DomainIs` (`url/url_util.cc`) to match the RP ID as
//! written at the end of the host, `HostHasRegistryControlledDomain` to find a
//! registry-controlled domain in the RP ID, and (`kRejectRpIdsInsideCallersPublicSuffix`,
//! on by default since M152) the RP ID to be longer than the caller's registry.
//! The registry code (`net/base/registry_controlled_domains/registry_controlled_domain.cc`,
//! `GetRegistryLengthImpl`) skips leading dots and one trailing dot, and looks the
//! rest up label by label, so an empty label is simply a label no rule names.
//!
//! Chromium's authenticator tests (`content/browser/webauth/authenticator_test_base.h`,
//! `kValidRpTestCases` and `kInvalidRpTestCases`) pin the outcomes this module
//! reproduces; the tests in `tests/client_check.rs` hold it to every such row.

use super::ScopeFailure;
use crate::psl::PublicSuffixList;
use crate::reason::Reason;

/// Decides Chromium's local check for `host` claiming `rp_id`, both compared byte
/// for byte as written (the host as the URL parser canonicalised it, the RP ID as
/// the page passed it).
///
/// ```
/// use rpscope_core::{client::{empty_labels::claim_as_written, ScopeFailure}, PublicSuffixList, Reason};
/// let psl = PublicSuffixList::vendored();
/// // Rows of Chromium's kValidRpTestCases, on example.com.
/// assert_eq!(claim_as_written("example.com", ".example.com", &psl), Ok(Reason::RpIdRegistrableSuffix));
/// assert_eq!(claim_as_written(".example.com", "..example.com", &psl), Ok(Reason::RpIdRegistrableSuffix));
/// assert_eq!(claim_as_written("example.com..", "example.com..", &psl), Ok(Reason::RpIdEqualsHost));
/// // kInvalidRpTestCases: two trailing dots are not the root label.
/// assert_eq!(claim_as_written("example.com", "example.com..", &psl), Err(ScopeFailure::NotSuffix));
/// // The public-suffix tests still hold.
/// assert!(claim_as_written("com", ".example.com", &psl).is_err());
/// ```
pub fn claim_as_written<'a>(
    rp_id: &'a str,
    host: &'a str,
    psl: &PublicSuffixList,
) -> Result<Reason, ScopeFailure<'a>> {
    if rp_id.is_empty() {
        return Err(ScopeFailure::NotSuffix);
    }
    if rp_id == host {
        return Ok(Reason::RpIdEqualsHost);
    }
    if !domain_is(host, rp_id) {
        return Err(ScopeFailure::NotSuffix);
    }
    // `HostHasRegistryControlledDomain(rp_id, INCLUDE_UNKNOWN_REGISTRIES,
    // INCLUDE_PRIVATE_REGISTRIES)`; the RP ID matched the canonical host byte for
    // byte, so canonicalising it first changes nothing.
    if registry_len(rp_id, psl) == 0 {
        return Err(ScopeFailure::IsPublicSuffix(rp_id));
    }
    // `caller_registry_length == 0 || claimed_relying_party_id.size() <=
    // caller_registry_length` → false.
    let caller = registry_len(host, psl);
    if caller == 0 {
        return Err(ScopeFailure::InsideCallerPublicSuffix(host));
    }
    if rp_id.len() <= caller {
        return Err(ScopeFailure::InsideCallerPublicSuffix(
            &host[host.len() - caller..],
        ));
    }
    Ok(Reason::RpIdRegistrableSuffix)
}

/// Chromium's `url::DomainIs(canonical_host, canonical_domain)`: the domain ends
/// the host, a trailing dot on the host is ignored when the domain has none, and
/// the character before the match must be `.` unless the domain starts with one.
fn domain_is(host: &str, domain: &str) -> bool {
    if host.is_empty() || domain.is_empty() {
        return false;
    }
    let host = match host.strip_suffix('.') {
        Some(h) if !domain.ends_with('.') => h,
        _ => host,
    };
    if host.len() < domain.len() || !host.ends_with(domain) {
        return false;
    }
    let before = host.len() - domain.len();
    domain.starts_with('.') || before == 0 || host.as_bytes()[before - 1] == b'.'
}

/// A label no Public Suffix List rule names, standing in for an empty label in a
/// lookup (a rule is a valid host name; `-` is no label of one).
const NO_RULE_LABEL: &str = "-";

/// The length of the registry (public suffix) Chromium's `GetRegistryLength`
/// finds in `host`, with unknown registries (the implicit `*` rule) and the
/// private section; 0 when it finds none: an empty host, a host of dots only, a
/// host that is itself a registry, or one whose last label is empty after the one
/// trailing dot Chromium ignores (`example.com..`).
///
/// ```
/// use rpscope_core::{client::empty_labels::registry_len, PublicSuffixList};
/// let psl = PublicSuffixList::vendored();
/// assert_eq!(registry_len("..example.com", &psl), 3);          // leading dots skipped
/// assert_eq!(registry_len("a..example.co.uk.", &psl), 6);      // `co.uk.`, dot included
/// assert_eq!(registry_len("foo..up.railway.app", &psl), 14);   // private section
/// assert_eq!(registry_len(".com", &psl), 0);                   // itself a registry
/// assert_eq!(registry_len("example.com..", &psl), 0);          // two trailing dots
/// ```
pub fn registry_len(host: &str, psl: &PublicSuffixList) -> usize {
    // "Skip leading dots." A host of dots only has no registry.
    let Some(begin) = host.find(|c| c != '.') else {
        return 0;
    };
    // "A single trailing dot isn't relevant in this determination, but does need
    // to be included in the final returned length."
    let end = if host.ends_with('.') {
        host.len() - 1
    } else {
        host.len()
    };
    let trimmed = &host[begin..end];
    match registry_len_in_trimmed(trimmed, psl) {
        0 => 0,
        len => len + (host.len() - end),
    }
}

/// `GetRegistryLengthInTrimmedHost`: the longest matching rule, label by label;
/// 0 when the whole host is the registry or no registry is found.
fn registry_len_in_trimmed(trimmed: &str, psl: &PublicSuffixList) -> usize {
    let labels = trimmed.split('.').count();
    let suffix_labels = if trimmed.split('.').any(str::is_empty) {
        // An empty label matches no rule but a wildcard's `*`, as any label would;
        // look up the same labels with one no rule names in its place.
        let stand_in: Vec<&str> = trimmed
            .split('.')
            .map(|l| if l.is_empty() { NO_RULE_LABEL } else { l })
            .collect();
        let stand_in = stand_in.join(".");
        psl.public_suffix(&stand_in).map(|s| s.split('.').count())
    } else {
        psl.public_suffix(trimmed).map(|s| s.split('.').count())
    };
    match suffix_labels {
        Some(k) if k < labels => last_labels_len(trimmed, k),
        _ => 0,
    }
}

/// The byte length of the last `k` labels of `host` (dots between them included).
fn last_labels_len(host: &str, k: usize) -> usize {
    let mut seen = 0;
    for (i, b) in host.bytes().enumerate().rev() {
        if b == b'.' {
            seen += 1;
            if seen == k {
                return host.len() - i - 1;
            }
        }
    }
    host.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn psl() -> PublicSuffixList {
        PublicSuffixList::vendored()
    }

    #[test]
    fn domain_is_follows_url_util() {
        assert!(domain_is("www.google.com", "google.com"));
        assert!(!domain_is("www.iamnotgoogle.com", "google.com"));
        assert!(domain_is(".google.com", "google.com"));
        assert!(domain_is("..google.com", ".google.com"));
        assert!(domain_is("accounts.google.com", ".google.com"));
        assert!(domain_is("google.com.", "google.com"));
        assert!(!domain_is("google.com..", "google.com"));
        assert!(!domain_is("google.com", "google.com."));
        assert!(!domain_is(".com", "com."));
        assert!(!domain_is("", "com"));
        assert!(!domain_is("com", ""));
    }

    #[test]
    fn registry_lengths_match_the_registry_code() {
        let psl = psl();
        assert_eq!(registry_len("google.com", &psl), 3);
        assert_eq!(registry_len("google.com.", &psl), 4);
        assert_eq!(registry_len(".google.com", &psl), 3);
        assert_eq!(registry_len("a..google.com", &psl), 3);
        assert_eq!(registry_len("com", &psl), 0);
        assert_eq!(registry_len("...", &psl), 0);
        assert_eq!(registry_len("", &psl), 0);
        assert_eq!(registry_len("google.com..", &psl), 0);
        assert_eq!(registry_len("awesomecompany", &psl), 0);
        assert_eq!(registry_len(".login.awesomecompany", &psl), 14);
        // A wildcard rule (`*.ck`) takes the empty label as its `*`.
        assert_eq!(registry_len("foo..ck", &psl), 3);
        assert_eq!(registry_len("foo.bar.ck", &psl), 6);
    }

    #[test]
    fn the_public_suffix_tests_hold_for_dotted_hosts() {
        let psl = psl();
        for (rp, host) in [
            ("com", ".example.com"),
            ("github.io", "foo..github.io"),
            ("railway.app", "foo..up.railway.app"),
            ("up.railway.app", "foo..up.railway.app"),
            (".com", "..com"),
            ("com..", "example.com.."),
            ("co.uk.", ".co.uk"),
        ] {
            assert!(
                claim_as_written(rp, host, &psl).is_err(),
                "{host} claiming {rp}"
            );
        }
        assert_eq!(
            claim_as_written("foo.up.railway.app", "a..foo.up.railway.app", &psl),
            Ok(Reason::RpIdRegistrableSuffix)
        );
    }
}
