//! The RP ID: a valid domain string, never an IP literal.
//!
//! WebAuthn L3 §4 defines an RP ID as a valid domain string
//! (<https://w3c.github.io/webauthn/#rp-id>); URL §3.4 defines that as a string the
//! host parser turns into a domain (<https://url.spec.whatwg.org/#valid-domain-string>).
//! HTML's "is a registrable domain suffix of or is equal to" parses it with the
//! host parser, which also lower-cases and IDNA-converts it; profiles that
//! refuse non-canonical spellings say so with [`RpIdSpelling::MustBeCanonical`].

use crate::psl::has_only_nonempty_labels;
use crate::reason::Reason;
use url::Host;

/// A syntactically valid RP ID, held in canonical form (lower-case ASCII, IDNA applied).
///
/// Whether a non-canonical spelling is acceptable is a profile question
/// ([`crate::profile::RpIdSpelling`]); this type only remembers the answer to
/// "was it written canonically?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpId {
    canonical: String,
    spelled_canonically: bool,
}

/// Why an RP ID string is not usable as a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpIdError {
    /// Not a valid domain string; the text says why.
    Invalid(String),
    /// An IPv4 or IPv6 literal, in canonical form (brackets kept for IPv6).
    IpAddress {
        /// The address as the host parser serialises it.
        canonical: String,
        /// Whether the input already was that serialisation.
        spelled_canonically: bool,
    },
}

impl RpIdError {
    /// The reject reason for this error.
    pub fn reason(&self) -> Reason {
        match self {
            RpIdError::Invalid(_) => Reason::InvalidRpId,
            RpIdError::IpAddress { .. } => Reason::IpAddressRpId,
        }
    }
}

impl RpId {
    /// Parses an RP ID string with the URL host parser.
    ///
    /// ```
    /// use rpscope_core::client::{RpId, RpIdError};
    /// let id = RpId::parse("Example.COM").unwrap();
    /// assert_eq!(id.as_str(), "example.com");
    /// assert!(!id.spelled_canonically());
    /// assert!(matches!(RpId::parse("0x7f.1"), Err(RpIdError::IpAddress { .. })));
    /// assert!(matches!(RpId::parse("example.com:443"), Err(RpIdError::Invalid(_))));
    /// ```
    pub fn parse(input: &str) -> Result<RpId, RpIdError> {
        if input.is_empty() {
            return Err(RpIdError::Invalid("it is empty".into()));
        }
        let ip = |canonical: String| RpIdError::IpAddress {
            spelled_canonically: canonical == input,
            canonical,
        };
        // Characters that make it a URL rather than a domain: say which one.
        if let Some(c) = input.chars().find(|&c| {
            matches!(c, ':' | '/' | '\\' | '@' | '?' | '#' | '[' | ']')
                || c.is_whitespace()
                || c.is_control()
        }) {
            // `[::1]` is still an IP literal, whatever else it is.
            if let Ok(Host::Ipv6(addr)) = Host::parse(input) {
                return Err(ip(format!("[{addr}]")));
            }
            return Err(RpIdError::Invalid(format!(
                "it contains `{}`; a domain has no scheme, port, path, userinfo or spaces",
                c.escape_debug()
            )));
        }
        let host = Host::parse(input)
            .map_err(|e| RpIdError::Invalid(format!("the URL host parser refuses it ({e})")))?;
        let canonical = match host {
            Host::Domain(d) => d,
            Host::Ipv4(addr) => return Err(ip(addr.to_string())),
            Host::Ipv6(addr) => return Err(ip(format!("[{addr}]"))),
        };
        if input.contains('%') {
            return Err(RpIdError::Invalid(
                "it contains `%`; percent-encoding belongs to URLs, not to domain strings".into(),
            ));
        }
        if !has_only_nonempty_labels(&canonical) {
            return Err(RpIdError::Invalid(format!(
                "`{canonical}` has an empty label (a leading dot or two dots in a row)"
            )));
        }
        Ok(RpId {
            spelled_canonically: canonical == input,
            canonical,
        })
    }

    /// The RP ID wrapping a caller's effective domain, used when none is given.
    pub(crate) fn from_caller_host(host: &str) -> RpId {
        RpId {
            canonical: host.to_owned(),
            spelled_canonically: true,
        }
    }

    /// The canonical RP ID.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// Whether the input was already canonical (`example.com`, not `Example.COM`).
    pub fn spelled_canonically(&self) -> bool {
        self.spelled_canonically
    }

    /// Consumes the RP ID, giving its canonical string.
    pub fn into_string(self) -> String {
        self.canonical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(input: &str) -> bool {
        matches!(RpId::parse(input), Err(RpIdError::Invalid(_)))
    }

    #[test]
    fn url_pieces_make_an_rp_id_invalid() {
        for input in [
            "",
            "https://example.com",
            "example.com:443",
            "example.com/",
            "user@example.com",
            "exa mple.com",
            "example.com ",
            "ex%61mple.com",
            "example..com",
            ".example.com",
            "xn--a.com",
        ] {
            assert!(invalid(input), "{input:?} should be invalid");
        }
    }

    #[test]
    fn ip_literals_in_every_form() {
        for (input, canonical) in [
            ("127.0.0.1", "127.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("1.2.3", "1.2.0.3"),
            ("3232235521", "192.168.0.1"),
            ("[::1]", "[::1]"),
        ] {
            assert_eq!(
                RpId::parse(input),
                Err(RpIdError::IpAddress {
                    canonical: canonical.into(),
                    spelled_canonically: input == canonical
                }),
                "{input}"
            );
        }
    }

    #[test]
    fn canonical_form_and_spelling() {
        let id = RpId::parse("BÜCHER.example").unwrap();
        assert_eq!(id.as_str(), "xn--bcher-kva.example");
        assert!(!id.spelled_canonically());
        let id = RpId::parse("example.com.").unwrap();
        assert_eq!(id.as_str(), "example.com.");
        assert!(id.spelled_canonically());
    }
}
