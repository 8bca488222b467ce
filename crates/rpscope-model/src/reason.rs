//! Stable reason codes: why a verdict is what it is.
//!
//! Codes are kebab-case and stable: new codes may be added, none is ever renamed
//! (corpora and downstream CI match on them). Each code fixes its verdict, so a
//! reason can never contradict the accept/reject it explains.

use std::fmt;

/// Whether the ceremony may go ahead.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The caller may use the RP ID.
    Accept,
    /// The browser (or RP) must refuse the ceremony.
    Reject,
}

impl Verdict {
    /// `"accept"` or `"reject"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $verdict:ident, $summary:literal), )+) => {
        /// Why a verdict was reached. See [`Reason::code`] for the stable string.
        ///
        /// New codes may be added in any release (hence `#[non_exhaustive]`); none is
        /// ever renamed or removed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Reason {
            $( $(#[$doc])* $variant, )+
        }

        impl Reason {
            /// Every reason, in declaration order (accepts first).
            pub const ALL: &'static [Reason] = &[ $( Reason::$variant, )+ ];

            /// The stable kebab-case code, e.g. `"rp-id-not-suffix"`.
            pub const fn code(self) -> &'static str {
                match self { $( Reason::$variant => $code, )+ }
            }

            /// The verdict this reason implies.
            pub const fn verdict(self) -> Verdict {
                match self { $( Reason::$variant => Verdict::$verdict, )+ }
            }

            /// A context-free one-line summary of the rule behind the code.
            pub const fn summary(self) -> &'static str {
                match self { $( Reason::$variant => $summary, )+ }
            }

            /// Looks a reason up by its code.
            ///
            /// ```
            /// use rpscope_model::Reason;
            /// assert_eq!(Reason::from_code("rp-id-not-suffix"), Some(Reason::RpIdNotSuffix));
            /// assert_eq!(Reason::from_code("no-such-code"), None);
            /// ```
            pub fn from_code(code: &str) -> Option<Reason> {
                match code { $( $code => Some(Reason::$variant), )+ _ => None }
            }
        }
    };
}

reasons! {
    /// The RP ID equals the caller's effective domain.
    RpIdEqualsHost = ("rp-id-equals-host", Accept,
        "the RP ID equals the caller's effective domain"),
    /// The RP ID is a registrable domain suffix of the caller's effective domain.
    RpIdRegistrableSuffix = ("rp-id-registrable-suffix", Accept,
        "the RP ID is a registrable domain suffix of the caller's effective domain"),
    /// The RP ID's `/.well-known/webauthn` document lists the caller's origin.
    RelatedOriginsMatch = ("related-origins-match", Accept,
        "the RP ID's related-origins document lists the caller's origin"),
    /// The caller origin could not be parsed as a URL.
    InvalidOrigin = ("invalid-origin", Reject,
        "the caller origin is not a parsable URL"),
    /// The caller origin is opaque (`data:`, `file:`, sandboxed, `null`).
    OpaqueOrigin = ("opaque-origin", Reject,
        "the caller origin is opaque"),
    /// The caller's scheme is not https (nor http on an allowed localhost name).
    InsecureScheme = ("insecure-scheme", Reject,
        "the caller's scheme is not allowed to use WebAuthn"),
    /// The caller's host is an IPv4 or IPv6 address, which is never a valid domain.
    IpAddressOrigin = ("ip-address-origin", Reject,
        "the caller's host is an IP address, not a domain"),
    /// The RP ID is not a valid domain string.
    InvalidRpId = ("invalid-rp-id", Reject,
        "the RP ID is not a valid domain string"),
    /// The RP ID is an IP address literal.
    IpAddressRpId = ("ip-address-rp-id", Reject,
        "the RP ID is an IP address, not a domain"),
    /// The RP ID is a public suffix, or lies inside the caller's public suffix.
    RpIdPublicSuffix = ("rp-id-public-suffix", Reject,
        "the RP ID is a public suffix or lies inside the caller's public suffix"),
    /// The RP ID is neither the caller's host nor a dot-boundary suffix of it.
    RpIdNotSuffix = ("rp-id-not-suffix", Reject,
        "the RP ID is neither the caller's host nor a suffix of it at a dot boundary"),
    /// The well-known fetch was redirected in a way the profile refuses (a hop
    /// that is not https, or not a URL): the fetch failed.
    RelatedOriginsBadRedirect = ("related-origins-bad-redirect", Reject,
        "the related-origins fetch was redirected where the client does not follow"),
    /// The well-known response's status is not one the profile accepts.
    RelatedOriginsBadStatus = ("related-origins-bad-status", Reject,
        "the related-origins response has a status the client does not accept"),
    /// The well-known response's content type is not `application/json`.
    RelatedOriginsBadContentType = ("related-origins-bad-content-type", Reject,
        "the related-origins response is not application/json"),
    /// The well-known body is larger than the profile's cap.
    RelatedOriginsTooLarge = ("related-origins-too-large", Reject,
        "the related-origins response body is larger than the client reads"),
    /// The well-known body is not a JSON object with an `origins` array of strings.
    RelatedOriginsBadJson = ("related-origins-bad-json", Reject,
        "the related-origins body is not a JSON object with an array of strings in `origins`"),
    /// No entry of the document is same-origin with the caller.
    RelatedOriginsNoMatch = ("related-origins-no-match", Reject,
        "no entry of the related-origins document is the caller's origin"),
    /// The caller's entry was skipped because the label limit was reached first.
    RelatedOriginsLabelLimit = ("related-origins-label-limit", Reject,
        "the related-origins document reached its label limit before any entry matched"),
    /// The client stopped after examining its maximum number of labelled entries
    /// before any matched (WebKit `WellKnownOriginList.h` `maxCandidates` = 100).
    RelatedOriginsCandidateLimit = ("related-origins-candidate-limit", Reject,
        "the client stopped examining the related-origins document at its entry limit before any entry matched"),
    /// Server side: the presented origin matches the policy (and every other check passed).
    OriginMatch = ("origin-match", Accept,
        "the presented origin matches the RP's policy"),
    /// Server side: the presented origin matches no pattern of the policy.
    OriginNotAllowed = ("origin-not-allowed", Reject,
        "the presented origin matches no origin the RP expects"),
    /// Server side: `crossOrigin` is true but the policy does not allow embedding.
    CrossOriginNotAllowed = ("cross-origin-not-allowed", Reject,
        "the ceremony ran in a cross-origin frame, which the RP does not allow"),
    /// Server side: the `topOrigin` is missing, malformed or not an expected embedder.
    TopOriginNotAllowed = ("top-origin-not-allowed", Reject,
        "the top-level origin is not one the RP expects to embed it"),
    /// Server side: a `topOrigin` came with `crossOrigin` false or absent.
    InconsistentCrossOrigin = ("inconsistent-cross-origin", Reject,
        "a topOrigin was sent although the ceremony was not cross-origin"),
    /// Server side: `rpIdHash` is not the SHA-256 of any RP ID of the policy.
    RpIdHashMismatch = ("rp-id-hash-mismatch", Reject,
        "the authenticator data's rpIdHash is not the hash of an expected RP ID"),
    /// Server side: the policy itself is not valid.
    InvalidPolicy = ("invalid-policy", Reject,
        "the RP's policy is not valid"),
}

impl Reason {
    /// The codes a client-side check can give.
    pub const CLIENT: &'static [Reason] = &[
        Reason::RpIdEqualsHost,
        Reason::RpIdRegistrableSuffix,
        Reason::RelatedOriginsMatch,
        Reason::InvalidOrigin,
        Reason::OpaqueOrigin,
        Reason::InsecureScheme,
        Reason::IpAddressOrigin,
        Reason::InvalidRpId,
        Reason::IpAddressRpId,
        Reason::RpIdPublicSuffix,
        Reason::RpIdNotSuffix,
        Reason::RelatedOriginsBadRedirect,
        Reason::RelatedOriginsBadStatus,
        Reason::RelatedOriginsBadContentType,
        Reason::RelatedOriginsTooLarge,
        Reason::RelatedOriginsBadJson,
        Reason::RelatedOriginsNoMatch,
        Reason::RelatedOriginsLabelLimit,
        Reason::RelatedOriginsCandidateLimit,
    ];

    /// The codes a server-side verification can give (`invalid-origin` is shared).
    pub const SERVER: &'static [Reason] = &[
        Reason::OriginMatch,
        Reason::InvalidOrigin,
        Reason::OriginNotAllowed,
        Reason::CrossOriginNotAllowed,
        Reason::TopOriginNotAllowed,
        Reason::InconsistentCrossOrigin,
        Reason::RpIdHashMismatch,
        Reason::InvalidPolicy,
    ];
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Reason::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown reason code `{code}`")))
    }
}

impl schemars::JsonSchema for Reason {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ReasonCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        schemars::json_schema!({
            "description": "A stable rpscope reason code.",
            "type": "string",
            "enum": codes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &r in Reason::ALL {
            let code = r.code();
            assert!(seen.insert(code), "duplicate code {code}");
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{code} is not kebab-case"
            );
            assert_eq!(Reason::from_code(code), Some(r));
        }
    }

    #[test]
    fn only_the_documented_codes_accept() {
        let accepts: Vec<_> = Reason::ALL
            .iter()
            .filter(|r| r.verdict() == Verdict::Accept)
            .map(|r| r.code())
            .collect();
        assert_eq!(
            accepts,
            [
                "rp-id-equals-host",
                "rp-id-registrable-suffix",
                "related-origins-match",
                "origin-match"
            ]
        );
    }

    #[test]
    fn client_and_server_codes_cover_every_code() {
        let mut both: Vec<Reason> = Reason::CLIENT
            .iter()
            .chain(Reason::SERVER)
            .copied()
            .collect();
        both.sort();
        both.dedup();
        let mut all = Reason::ALL.to_vec();
        all.sort();
        assert_eq!(both, all);
    }
}
