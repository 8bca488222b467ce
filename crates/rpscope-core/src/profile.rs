//! Client profiles: the spec's rules and each browser's documented divergences, as data.
//!
//! A [`Profile`] is a set of switches the one scoping algorithm reads; there is no
//! per-browser copy of the algorithm. Every switch names its source, and
//! `docs/profiles.md` lists each divergence with the browser source or measurement
//! it comes from.

use rpscope_model::{ProfileId, PslSnapshotId};
use std::fmt;

/// Which `http:` hosts a profile treats as allowed callers (https is always allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpHosts {
    /// Only the host `localhost` (WebAuthn L3 §5.1.3, the `localhost` exception).
    LocalhostOnly,
    /// `localhost` and any `*.localhost` name (Chromium: `net::IsLocalhost`;
    /// Firefox: any potentially trustworthy origin, W3C Secure Contexts §3.1).
    LocalhostAndSubdomains,
}

/// How a trailing dot on the caller's host takes part in the suffix test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrailingDot {
    /// Significant: `example.com.` and `example.com` are different hosts
    /// (HTML, "is a registrable domain suffix of or is equal to").
    Significant,
    /// A trailing dot on the caller's host is ignored when the RP ID has none
    /// (Chromium `url::DomainIs`, `url/url_util.cc`).
    IgnoredOnCaller,
}

/// What an RP ID must look like before it is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RpIdSpelling {
    /// Parsed as a host, then compared in canonical form: `EXAMPLE.com` and
    /// `bücher.example` are accepted as `example.com` and `xn--bcher-kva.example`
    /// (HTML step 2 parses the suffix string with the URL host parser).
    Canonicalized,
    /// The local check compares the RP ID byte for byte, so a non-canonical
    /// spelling fails it; related origins then run on the canonical form
    /// (Chromium: `url::DomainIs` is case-sensitive, `RemoteValidation::Create`
    /// canonicalises with `url::CanonicalizeHostVerbose`).
    CanonicalForLocalCheck,
    /// The RP ID must already be canonical (lower-case ASCII) everywhere
    /// (Firefox `IsValidRpId` round-trips through `NS_DomainToASCII`, and the
    /// related-origin fetcher requires `new URL("https://" + rpId).hostname === rpId`).
    MustBeCanonical,
}

/// What happens to an IP-literal RP ID when a related-origins document is supplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IpRpId {
    /// Refused before any fetch (an RP ID is a valid domain; Chromium
    /// `BAD_RELYING_PARTY_ID`).
    RejectBeforeFetch,
    /// The local check fails, then the related-origins fetch is attempted
    /// (measured in Firefox ESR 153).
    TryRelatedOrigins,
}

/// What an RP ID with one leading dot (`.example.com`) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeadingDotRpId {
    /// It is no valid domain string: refused (WebAuthn L3 §4, HTML step 4.2; Firefox).
    Invalid,
    /// It matches the strict subdomains of the domain after the dot, which must be
    /// claimable itself (Chromium `url::DomainIs`; measured in Chromium 156).
    MatchesSubdomains,
}

/// What a caller whose host has an empty label (`.example.com`, `a..example.com`,
/// `example.com..`) may do. The URL parser keeps such a host as a domain (URL
/// Standard §3.5, domain to ASCII with beStrict = false; Chromium's
/// `url/url_idna_icu.cc` clears `UIDNA_ERROR_EMPTY_LABEL` "to continue allowing
/// http://abc..def/", and `DoSimpleHost` in `url/url_canon_host.cc` copies an
/// ASCII host's dots as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmptyLabelHost {
    /// Refused as no valid domain (`invalid-origin`): WebAuthn L3 §5.1.3 requires
    /// the effective domain to be a valid domain, and URL §3.4 "valid domain"
    /// runs the domain parser with beStrict = true (UTS #46 VerifyDnsLength).
    Invalid,
    /// A caller like any other, decided by Chromium's byte-wise comparison
    /// (`OriginIsAllowedToClaimRelyingPartyId` in
    /// `components/webauthn/core/browser/webauthn_security_utils.cc`): equal hosts
    /// pass; otherwise `url::DomainIs` (`url/url_util.cc`) must match the RP ID as
    /// written at the end of the host, and the registry code
    /// (`net/base/registry_controlled_domains/registry_controlled_domain.cc`,
    /// `GetRegistryLengthImpl`: leading dots skipped, one trailing dot ignored)
    /// must find a registry-controlled domain in the RP ID and a caller registry
    /// shorter than the RP ID ([`crate::client::empty_labels`]). Chromium's
    /// authenticator tests (`content/browser/webauth/authenticator_test_base.h`,
    /// `kValidRpTestCases`) expect `https://.google.com` and `https://..google.com`
    /// to claim `google.com` and `.google.com`, and `https://google.com..` to claim
    /// `google.com..`; `kInvalidRpTestCases` refuses `https://google.com..` →
    /// `google.com`. Read, not measured: no TLS server can serve such a host.
    ComparedAsWritten,
}

/// Whether a caller whose host is itself a public suffix may use that host as RP ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuffixHost {
    /// Yes: HTML "is a registrable domain suffix of or is equal to" returns true
    /// for equal hosts before any Public Suffix List test (step 4), and Chromium's
    /// `OriginIsAllowedToClaimRelyingPartyId` compares the hosts first.
    MayClaimItself,
    /// No, when a rule of the list (ICANN or private section, wildcards
    /// included) makes the host a public suffix: the local check fails, and
    /// Related Origin Requests may still apply. Single labels that only the
    /// implicit `*` rule makes suffixes (`localhost`, `caddy`) may claim
    /// themselves. Measured in Firefox ESR 153.7.0 by `rpscope browser`
    /// (docs/browsers.md): `https://github.io`, `https://com`, `https://home.arpa`
    /// and a host under `*.compute.amazonaws.com` get `SecurityError` for their
    /// own host; `http://localhost` and `https://caddy` do not.
    Refused,
}

/// Which HTTP statuses count as a successful well-known fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusRule {
    /// Exactly 200 (WebAuthn L3 §5.11.1, Firefox).
    Exactly200,
    /// Any 2xx: the loader's notion of success (Chromium `remote_validation.cc`).
    Any2xx,
}

/// Which redirects of the well-known fetch are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectRule {
    /// Only to https URLs (WebAuthn L3 §5.11.1; Firefox checks every hop of
    /// `redirectChain`).
    HttpsOnly,
    /// To http and https URLs. No built-in profile: Chromium, whose
    /// `remote_validation.cc` has no https check of its own, was measured to
    /// refuse an http redirect too (`related-origins::redirect-*`).
    Followed,
}

/// How the well-known response's `Content-Type` is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentTypeRule {
    /// The parsed MIME type's essence must be `application/json`; parameters such
    /// as `charset` are fine (WHATWG MIME Sniffing "parse a MIME type"; Chromium).
    EssenceIsJson,
    /// The header must contain the substring `application/json` (Firefox
    /// `WebAuthnRelatedOriginFetcher`).
    ContainsJson,
    /// The value, stripped of surrounding HTTP whitespace, must be exactly
    /// `application/json` compared ASCII case-insensitively: `APPLICATION/JSON`
    /// passes, any parameter fails (WebKit `WellKnownOriginList.cpp`
    /// `isWellKnownResponseAcceptable`, `equalLettersIgnoringASCIICase`; WebKit
    /// PR #72038, bug 321380). Whether WebKit hands it the header or the MIME type
    /// without parameters is not settled by the source read, so
    /// `; charset=utf-8` is `acceptable` for `webkit` in the corpus.
    ExactlyJsonIgnoringCase,
}

/// How the label limit counts entries of a related-origins document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LabelCounting {
    /// A set of distinct registrable-origin labels (WebAuthn L3 §5.11.1,
    /// Chromium `base::flat_set labels_seen`).
    DistinctLabels,
    /// One slot per entry, duplicates included, filled after the match test
    /// (Firefox `labelsSeen` is an array with no de-duplication).
    EveryEntry,
}

/// What a non-string element of `origins` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NonStringEntry {
    /// The whole document fails before any matching (WebAuthn L3; Firefox
    /// `body.origins.every(x => typeof x === "string")`).
    FailsDocument,
    /// The document fails when the loop reaches the element; an earlier match
    /// still succeeds (Chromium `ValidateWellKnownJSON`).
    FailsWhenReached,
}

/// The Related Origin Requests rules of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelatedOriginsRules {
    /// Which redirects are followed.
    pub redirects: RedirectRule,
    /// Which statuses count as success.
    pub status: StatusRule,
    /// How the content type is checked.
    pub content_type: ContentTypeRule,
    /// The largest body the client reads, in bytes (`None`: no cap).
    pub max_body_bytes: Option<usize>,
    /// How many entries with a registrable-origin label the client examines
    /// before it stops looking (`None`: no limit). Entries that do not parse or
    /// have no label are not counted; entries skipped at the label limit are
    /// (WebKit `WellKnownOriginList.h` `maxCandidates`).
    pub max_candidates: Option<usize>,
    /// maxLabels: how many registrable-origin labels are considered (at least 5).
    pub max_labels: usize,
    /// How labels are counted against `max_labels`.
    pub label_counting: LabelCounting,
    /// What a non-string element does.
    pub non_string_entry: NonStringEntry,
}

/// A client profile: the spec, or one browser's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Which profile this is (its name, description and browser live in the registry).
    pub id: ProfileId,
    /// The Public Suffix List snapshot it decides with (see [`crate::psl::PslSnapshots`]).
    pub psl: PslSnapshotId,
    /// Which `http:` hosts may call WebAuthn.
    pub http_hosts: HttpHosts,
    /// How a trailing dot on the caller's host is treated.
    pub trailing_dot: TrailingDot,
    /// What an RP ID must look like.
    pub rp_id_spelling: RpIdSpelling,
    /// Whether an IP RP ID may still pass through related origins.
    pub ip_rp_id: IpRpId,
    /// Whether a host that is a public suffix may claim itself.
    pub suffix_host: SuffixHost,
    /// What an RP ID with one leading dot does.
    pub leading_dot_rp_id: LeadingDotRpId,
    /// What a caller host with an empty label does.
    pub empty_label_host: EmptyLabelHost,
    /// The Related Origin Requests rules.
    pub related_origins: RelatedOriginsRules,
}

impl Profile {
    /// WebAuthn Level 3 with HTML, URL and the Public Suffix List, read literally.
    pub const SPEC: Profile = Profile {
        id: ProfileId::Spec,
        psl: ProfileId::Spec.psl_snapshot(),
        http_hosts: HttpHosts::LocalhostOnly,
        trailing_dot: TrailingDot::Significant,
        rp_id_spelling: RpIdSpelling::Canonicalized,
        ip_rp_id: IpRpId::RejectBeforeFetch,
        suffix_host: SuffixHost::MayClaimItself,
        leading_dot_rp_id: LeadingDotRpId::Invalid,
        empty_label_host: EmptyLabelHost::Invalid,
        related_origins: RelatedOriginsRules {
            redirects: RedirectRule::HttpsOnly,
            status: StatusRule::Exactly200,
            content_type: ContentTypeRule::EssenceIsJson,
            max_body_bytes: None,
            max_candidates: None,
            max_labels: 5,
            label_counting: LabelCounting::DistinctLabels,
            non_string_entry: NonStringEntry::FailsDocument,
        },
    };

    /// Chromium 156 (`webauthn_security_utils.cc`, `remote_validation.cc`, measured runs).
    pub const CHROMIUM: Profile = Profile {
        id: ProfileId::Chromium,
        psl: ProfileId::Chromium.psl_snapshot(),
        http_hosts: HttpHosts::LocalhostAndSubdomains,
        trailing_dot: TrailingDot::IgnoredOnCaller,
        rp_id_spelling: RpIdSpelling::CanonicalForLocalCheck,
        ip_rp_id: IpRpId::RejectBeforeFetch,
        suffix_host: SuffixHost::MayClaimItself,
        leading_dot_rp_id: LeadingDotRpId::MatchesSubdomains,
        empty_label_host: EmptyLabelHost::ComparedAsWritten,
        related_origins: RelatedOriginsRules {
            // Measured, Chromium 156.0.8078.79: a redirect to http is refused before
            // the http URL is requested (SecurityError), https redirects are followed.
            redirects: RedirectRule::HttpsOnly,
            status: StatusRule::Any2xx,
            content_type: ContentTypeRule::EssenceIsJson,
            max_body_bytes: Some(1 << 18),
            max_candidates: None,
            max_labels: 5,
            label_counting: LabelCounting::DistinctLabels,
            non_string_entry: NonStringEntry::FailsWhenReached,
        },
    };

    /// Firefox ESR 153 (`WebAuthnUtil.cpp`, `WebAuthnRelatedOriginFetcher.sys.mjs`, measured runs).
    pub const FIREFOX: Profile = Profile {
        id: ProfileId::Firefox,
        psl: ProfileId::Firefox.psl_snapshot(),
        http_hosts: HttpHosts::LocalhostAndSubdomains,
        trailing_dot: TrailingDot::Significant,
        rp_id_spelling: RpIdSpelling::MustBeCanonical,
        ip_rp_id: IpRpId::TryRelatedOrigins,
        suffix_host: SuffixHost::Refused,
        leading_dot_rp_id: LeadingDotRpId::Invalid,
        empty_label_host: EmptyLabelHost::Invalid,
        related_origins: RelatedOriginsRules {
            redirects: RedirectRule::HttpsOnly,
            status: StatusRule::Exactly200,
            content_type: ContentTypeRule::ContainsJson,
            max_body_bytes: None,
            max_candidates: None,
            max_labels: 5,
            label_counting: LabelCounting::EveryEntry,
            non_string_entry: NonStringEntry::FailsDocument,
        },
    };

    /// WebKit (Safari), modelled from source and not measured.
    ///
    /// Related Origin Requests follow WebKit's open-source list and fetcher (WebKit
    /// PR #72038, bug 321380, 2026: `Source/WebCore/Modules/webauthn/WellKnownOriginList.{h,cpp}`,
    /// `Source/WebKit/UIProcess/WebAuthentication/WellKnownResourceFetcher.cpp`).
    /// Safari's local RP ID check runs in AuthenticationServices (closed source since
    /// WebKit PR #23548, bug 268426), so the local switches are the spec's and the
    /// corpus marks the cases they decide `acceptable` for `webkit`. The one local
    /// rule open-source WebCore decides, an IP-address caller refused with
    /// SecurityError (`AuthenticatorCoordinator.cpp`), is the spec's as well.
    pub const WEBKIT: Profile = Profile {
        id: ProfileId::Webkit,
        psl: ProfileId::Webkit.psl_snapshot(),
        http_hosts: HttpHosts::LocalhostOnly,
        trailing_dot: TrailingDot::Significant,
        rp_id_spelling: RpIdSpelling::Canonicalized,
        ip_rp_id: IpRpId::RejectBeforeFetch,
        suffix_host: SuffixHost::MayClaimItself,
        leading_dot_rp_id: LeadingDotRpId::Invalid,
        // The spec's: Safari's caller check is closed code (AuthenticationServices).
        empty_label_host: EmptyLabelHost::Invalid,
        related_origins: RelatedOriginsRules {
            // `isWellKnownRedirectAllowed`: every hop must be https
            // (`willPerformHTTPRedirection`, "InsecureRedirect").
            redirects: RedirectRule::HttpsOnly,
            // `isWellKnownResponseAcceptable`: `httpStatusCode == 200`.
            status: StatusRule::Exactly200,
            content_type: ContentTypeRule::ExactlyJsonIgnoringCase,
            // `defaultWellKnownMaxResourceSize` = 64 * 1024.
            max_body_bytes: Some(64 << 10),
            // `WellKnownOriginListPolicy::maxCandidates` = 100.
            max_candidates: Some(100),
            // `maxRegistrableOriginLabels` = 5; `labelsSeen` is appended to only
            // when the label is new, after the match test. With distinct labels the
            // order of test and record decides nothing (a match returns at once),
            // so this is `DistinctLabels`, as Chromium.
            max_labels: 5,
            label_counting: LabelCounting::DistinctLabels,
            // One revision of `WellKnownOriginList.cpp` refuses the whole document
            // (`parseCandidatesArray`), another skips non-strings
            // (`NonStringEntriesAreSkipped`); which one ships is unverified, and the
            // corpus marks such cases `acceptable` for `webkit`. The spec's rule.
            non_string_entry: NonStringEntry::FailsDocument,
        },
    };

    /// Every built-in profile, in the order of [`ProfileId::ALL`].
    pub const ALL: &'static [Profile] = &[
        Profile::SPEC,
        Profile::CHROMIUM,
        Profile::FIREFOX,
        Profile::WEBKIT,
    ];

    /// The rules of a profile.
    ///
    /// ```
    /// use rpscope_core::{Profile, ProfileId};
    /// assert_eq!(Profile::get(ProfileId::Chromium), &Profile::CHROMIUM);
    /// ```
    pub fn get(id: ProfileId) -> &'static Profile {
        // `ALL` holds one profile per id (a unit test walks `ProfileId::ALL`); the
        // fallback is unreachable, and deciding under the spec is the safe reading.
        Profile::ALL
            .iter()
            .find(|p| p.id == id)
            .unwrap_or(&Profile::SPEC)
    }

    /// Looks a built-in profile up by name.
    ///
    /// ```
    /// use rpscope_core::Profile;
    /// assert_eq!(Profile::by_name("chromium"), Some(Profile::CHROMIUM));
    /// assert_eq!(Profile::by_name("safari"), None);
    /// ```
    pub fn by_name(name: &str) -> Option<Profile> {
        ProfileId::from_name(name).map(|id| *Profile::get(id))
    }

    /// The profile's name as used on the command line and in corpus files.
    pub const fn name(&self) -> &'static str {
        self.id.as_str()
    }

    /// One line saying what the profile models.
    pub const fn description(&self) -> &'static str {
        self.id.description()
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::SPEC
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_id_has_exactly_one_profile() {
        assert_eq!(Profile::ALL.len(), ProfileId::ALL.len());
        for (profile, &id) in Profile::ALL.iter().zip(ProfileId::ALL) {
            assert_eq!(profile.id, id, "Profile::ALL follows ProfileId::ALL");
            assert_eq!(Profile::get(id).id, id);
            assert_eq!(profile.psl, id.psl_snapshot());
        }
    }
}
