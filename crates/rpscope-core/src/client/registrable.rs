//! HTML's "is a registrable domain suffix of or is equal to", on canonical domains.
//!
//! <https://html.spec.whatwg.org/multipage/browsers.html#is-a-registrable-domain-suffix-of-or-is-equal-to>:
//! equal hosts pass with no Public Suffix List test; otherwise the RP ID, prefixed
//! by `.`, must end the caller's host, must not be its own public suffix, and
//! must not lie inside the caller's public suffix. Chromium's
//! `OriginIsAllowedToClaimRelyingPartyId` (`components/webauthn/core/browser/
//! webauthn_security_utils.cc`, with `kRejectRpIdsInsideCallersPublicSuffix`, on
//! by default since M152) is the same test on its own terms; its one difference
//! is the trailing dot, a profile switch.

use crate::profile::TrailingDot;
use crate::psl::PublicSuffixList;
use crate::reason::Reason;

/// Why an RP ID may not be claimed by a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeFailure<'a> {
    /// The RP ID is not the host, nor a suffix of it at a dot boundary.
    NotSuffix,
    /// The RP ID is itself a public suffix (the one given).
    IsPublicSuffix(&'a str),
    /// The RP ID lies inside the caller's public suffix (the one given), e.g.
    /// `up.railway.app` claimed from `foo.up.railway.app`.
    InsideCallerPublicSuffix(&'a str),
}

impl ScopeFailure<'_> {
    /// The reject reason for this failure.
    pub fn reason(self) -> Reason {
        match self {
            ScopeFailure::NotSuffix => Reason::RpIdNotSuffix,
            ScopeFailure::IsPublicSuffix(_) | ScopeFailure::InsideCallerPublicSuffix(_) => {
                Reason::RpIdPublicSuffix
            }
        }
    }
}

/// Decides whether `host` may claim `rp_id`; both are canonical domains.
///
/// Returns the accept reason ([`Reason::RpIdEqualsHost`] or
/// [`Reason::RpIdRegistrableSuffix`]) or the failure. Allocation-free.
///
/// ```
/// use rpscope_core::{client::{claim, ScopeFailure}, profile::TrailingDot, PublicSuffixList, Reason};
/// let psl = PublicSuffixList::vendored();
/// let sig = TrailingDot::Significant;
/// assert_eq!(claim("example.com", "login.example.com", &psl, sig), Ok(Reason::RpIdRegistrableSuffix));
/// assert_eq!(claim("example.com", "evil-example.com", &psl, sig), Err(ScopeFailure::NotSuffix));
/// assert_eq!(claim("co.uk", "example.co.uk", &psl, sig), Err(ScopeFailure::IsPublicSuffix("co.uk")));
/// ```
pub fn claim<'a>(
    rp_id: &'a str,
    host: &'a str,
    psl: &PublicSuffixList,
    trailing_dot: TrailingDot,
) -> Result<Reason, ScopeFailure<'a>> {
    // HTML step 4: equal hosts need nothing more (no PSL test, so a single-label
    // host such as `caddy` may claim itself).
    if rp_id == host {
        return Ok(Reason::RpIdEqualsHost);
    }
    // The host as the suffix test sees it. Chromium's `url::DomainIs` drops a
    // trailing dot from the host when the RP ID has none.
    let host = match trailing_dot {
        TrailingDot::IgnoredOnCaller if !rp_id.ends_with('.') => {
            host.strip_suffix('.').unwrap_or(host)
        }
        _ => host,
    };
    if !(host == rp_id || is_dot_suffix(rp_id, host)) {
        return Err(ScopeFailure::NotSuffix);
    }
    // HTML step 4.3, first half: the RP ID may not be a public suffix. A domain
    // with an empty label has no public suffix; callers never pass one.
    let Some(rp_suffix) = psl.public_suffix(rp_id) else {
        return Err(ScopeFailure::NotSuffix);
    };
    if rp_suffix.len() == rp_id.len() {
        return Err(ScopeFailure::IsPublicSuffix(rp_suffix));
    }
    // Second half: nor may it lie inside the caller's public suffix.
    if let Some(host_suffix) = psl.public_suffix(host) {
        if host_suffix == rp_id || is_dot_suffix(rp_id, host_suffix) {
            return Err(ScopeFailure::InsideCallerPublicSuffix(host_suffix));
        }
    }
    Ok(Reason::RpIdRegistrableSuffix)
}

/// True when `"." + suffix` matches the end of `host`, without allocating.
fn is_dot_suffix(suffix: &str, host: &str) -> bool {
    host.len() > suffix.len()
        && host.ends_with(suffix)
        && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrailingDot::*;

    fn ok(rp: &str, host: &str) -> bool {
        claim(rp, host, &PublicSuffixList::vendored(), Significant).is_ok()
    }

    /// The HTML standard's own example table, the rows whose hosts are domains
    /// (IP rows are WebAuthn's business: RP IDs and callers never are IPs).
    #[test]
    fn html_example_table_domain_rows() {
        assert!(ok("example.com", "example.com"));
        assert!(
            !ok("example.com", "example.com."),
            "trailing dot is significant"
        );
        assert!(!ok("example.com.", "example.com"));
        assert!(ok("example.com", "www.example.com"));
        assert!(!ok("com", "example.com"));
        assert!(ok("example", "example"));
        assert!(!ok(
            "compute.amazonaws.com",
            "example.compute.amazonaws.com"
        ));
        assert!(!ok(
            "example.compute.amazonaws.com",
            "www.example.compute.amazonaws.com"
        ));
        assert!(!ok("amazonaws.com", "www.example.compute.amazonaws.com"));
        assert!(ok("amazonaws.com", "test.amazonaws.com"));
    }

    /// WebAuthn L3 §4 (RP ID, note-pkcredscope): `https://login.example.com:1337`.
    #[test]
    fn webauthn_spec_example() {
        assert!(ok("login.example.com", "login.example.com"));
        assert!(ok("example.com", "login.example.com"));
        assert!(!ok("m.login.example.com", "login.example.com"));
        assert!(!ok("com", "login.example.com"));
    }

    #[test]
    fn dot_boundary() {
        assert_eq!(
            claim(
                "example.com",
                "evil-example.com",
                &PublicSuffixList::vendored(),
                Significant
            ),
            Err(ScopeFailure::NotSuffix)
        );
        assert!(!ok("example.com", "example.com.evil.com"));
        assert!(!ok("ample.com", "example.com"));
    }

    #[test]
    fn inside_the_callers_private_suffix() {
        let psl = PublicSuffixList::vendored();
        // Chromium's own example for kRejectRpIdsInsideCallersPublicSuffix.
        assert_eq!(
            claim("up.railway.app", "foo.up.railway.app", &psl, Significant),
            Err(ScopeFailure::IsPublicSuffix("up.railway.app"))
        );
        assert_eq!(
            claim("railway.app", "foo.up.railway.app", &psl, Significant),
            Err(ScopeFailure::InsideCallerPublicSuffix("up.railway.app"))
        );
        assert!(ok("foo.up.railway.app", "bar.foo.up.railway.app"));
    }

    #[test]
    fn chromium_ignores_the_callers_trailing_dot() {
        let psl = PublicSuffixList::vendored();
        assert!(claim("example.com", "login.example.com.", &psl, Significant).is_err());
        assert_eq!(
            claim("example.com", "login.example.com.", &psl, IgnoredOnCaller),
            Ok(Reason::RpIdRegistrableSuffix)
        );
        assert_eq!(
            claim("example.com", "example.com.", &psl, IgnoredOnCaller),
            Ok(Reason::RpIdRegistrableSuffix)
        );
        // A single-label host is its own public suffix, dot or not.
        assert!(claim("localhost", "localhost.", &psl, IgnoredOnCaller).is_err());
        assert!(claim("example.com.", "login.example.com", &psl, IgnoredOnCaller).is_err());
    }
}
