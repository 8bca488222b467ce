//! The caller's origin: parsed with the WHATWG URL parser, then held to the rules
//! for who may call WebAuthn at all.
//!
//! Sources: WebAuthn L3 §5.1.3 steps on `callerOrigin` and `effectiveDomain`
//! (<https://w3c.github.io/webauthn/#sctn-createCredential>): an opaque origin is a
//! `NotAllowedError`, an effective domain that is not a valid domain (IPv4, IPv6,
//! opaque or empty host) a `SecurityError`; the API is `[SecureContext]`, so
//! only https and local http callers reach it.

use crate::profile::{EmptyLabelHost, HttpHosts, Profile};
use crate::psl::has_only_nonempty_labels;
use crate::reason::Reason;
use url::{Host, Origin, Url};

/// A caller origin that passed every check: a tuple origin whose host is a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerOrigin {
    origin: Origin,
    host: String,
}

/// Why a caller origin was refused, with what the explanation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerError {
    /// The reject reason.
    pub reason: Reason,
    /// What exactly was wrong, for the explanation.
    pub detail: String,
}

impl CallerError {
    fn new(reason: Reason, detail: impl Into<String>) -> Self {
        CallerError {
            reason,
            detail: detail.into(),
        }
    }
}

impl CallerOrigin {
    /// Parses and checks a caller origin under a profile.
    ///
    /// Anything the URL parser accepts is reduced to its origin, so a page URL
    /// (`https://login.example.com:1337/sign-in`) works as well as an origin.
    ///
    /// ```
    /// use rpscope_core::{client::CallerOrigin, Profile, Reason};
    /// let caller = CallerOrigin::parse("HTTPS://Login.Example.com:1337/", &Profile::SPEC).unwrap();
    /// assert_eq!(caller.host(), "login.example.com");
    /// assert_eq!(caller.serialize(), "https://login.example.com:1337");
    /// let err = CallerOrigin::parse("https://0x7f.1", &Profile::SPEC).unwrap_err();
    /// assert_eq!(err.reason, Reason::IpAddressOrigin);
    /// ```
    pub fn parse(input: &str, profile: &Profile) -> Result<CallerOrigin, CallerError> {
        // The serialisation of an opaque origin (HTML §7.1.1) is the string "null".
        if input.trim() == "null" {
            return Err(CallerError::new(
                Reason::OpaqueOrigin,
                "`null` is the serialisation of an opaque origin",
            ));
        }
        let url = Url::parse(input).map_err(|e| {
            CallerError::new(Reason::InvalidOrigin, format!("the URL parser says: {e}"))
        })?;
        let origin = url.origin();
        let Origin::Tuple(scheme, host, _port) = &origin else {
            return Err(CallerError::new(
                Reason::OpaqueOrigin,
                format!(
                    "URLs with the `{}` scheme have an opaque origin",
                    url.scheme()
                ),
            ));
        };
        match scheme.as_str() {
            "https" => {}
            "http" if http_host_allowed(host, profile.http_hosts) => {}
            "http" => {
                return Err(CallerError::new(
                    Reason::InsecureScheme,
                    match profile.http_hosts {
                        HttpHosts::LocalhostOnly => "http is allowed only for the host `localhost`",
                        HttpHosts::LocalhostAndSubdomains => {
                            "http is allowed only for `localhost` and `*.localhost`"
                        }
                    },
                ))
            }
            other => {
                return Err(CallerError::new(
                    Reason::InsecureScheme,
                    format!("the `{other}` scheme cannot call WebAuthn; it needs https"),
                ))
            }
        }
        let domain = match host {
            Host::Domain(d) => d,
            Host::Ipv4(_) | Host::Ipv6(_) => {
                return Err(CallerError::new(
                    Reason::IpAddressOrigin,
                    format!("`{host}` is an IP address"),
                ))
            }
        };
        // The URL parser keeps empty labels (`.example.com`, `a..b`, `b..`); a
        // profile that compares hosts as written lets them through (see
        // `EmptyLabelHost`).
        if !has_only_nonempty_labels(domain) && profile.empty_label_host == EmptyLabelHost::Invalid
        {
            return Err(CallerError::new(
                Reason::InvalidOrigin,
                format!("the host `{domain}` has an empty label, so it is not a valid domain"),
            ));
        }
        let host = domain.clone();
        Ok(CallerOrigin { origin, host })
    }

    /// The caller's effective domain: its host, lower-case ASCII (IDNA applied).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The origin as the URL crate models it (scheme, host, port).
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The ASCII serialisation, as `clientDataJSON.origin` carries it.
    pub fn serialize(&self) -> String {
        self.origin.ascii_serialization()
    }
}

/// Whether an http caller on this host is a secure context for the profile.
///
/// Loopback IP addresses are potentially trustworthy too (W3C Secure Contexts
/// §3.1), so `http://127.0.0.1` passes this gate and fails later as an IP host.
fn http_host_allowed(host: &Host<String>, rule: HttpHosts) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            match rule {
                HttpHosts::LocalhostOnly => d == "localhost",
                HttpHosts::LocalhostAndSubdomains => d == "localhost" || d.ends_with(".localhost"),
            }
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str, profile: &Profile) -> Reason {
        CallerOrigin::parse(input, profile).unwrap_err().reason
    }

    #[test]
    fn opaque_origins() {
        for input in [
            "null",
            "data:text/html,hi",
            "file:///etc/passwd",
            "about:blank",
        ] {
            assert_eq!(
                reason(input, &Profile::SPEC),
                Reason::OpaqueOrigin,
                "{input}"
            );
        }
    }

    #[test]
    fn every_ipv4_form_is_an_ip_host() {
        for input in [
            "https://127.0.0.1",
            "https://0x7f.1",
            "https://1.2.3",
            "https://2130706433",
            "https://0177.0.0.1",
            "https://[::1]",
            "https://[2001:db8::1]:8443",
        ] {
            assert_eq!(
                reason(input, &Profile::SPEC),
                Reason::IpAddressOrigin,
                "{input}"
            );
        }
    }

    #[test]
    fn http_only_on_localhost() {
        assert!(CallerOrigin::parse("http://localhost:3000", &Profile::SPEC).is_ok());
        assert_eq!(
            reason("http://example.com", &Profile::SPEC),
            Reason::InsecureScheme
        );
        assert_eq!(
            reason("http://app.localhost", &Profile::SPEC),
            Reason::InsecureScheme
        );
        assert!(CallerOrigin::parse("http://app.localhost", &Profile::CHROMIUM).is_ok());
        assert_eq!(
            reason("wss://example.com", &Profile::CHROMIUM),
            Reason::InsecureScheme
        );
        // A loopback address is a secure context, so it fails as an IP, not as http.
        assert_eq!(
            reason("http://127.0.0.1", &Profile::SPEC),
            Reason::IpAddressOrigin
        );
        assert_eq!(
            reason("http://10.0.0.1", &Profile::SPEC),
            Reason::InsecureScheme
        );
    }

    #[test]
    fn hosts_are_idna_converted_and_ports_kept() {
        let c = CallerOrigin::parse("https://BÜCHER.example:8443/x", &Profile::SPEC).unwrap();
        assert_eq!(c.host(), "xn--bcher-kva.example");
        assert_eq!(c.serialize(), "https://xn--bcher-kva.example:8443");
    }

    #[test]
    fn unparsable_and_empty_label_hosts_are_invalid() {
        assert_eq!(
            reason("login.example.com", &Profile::SPEC),
            Reason::InvalidOrigin
        );
        assert_eq!(reason("https://", &Profile::SPEC), Reason::InvalidOrigin);
        assert_eq!(
            reason("https://a..example.com", &Profile::SPEC),
            Reason::InvalidOrigin
        );
    }

    #[test]
    fn empty_labels_are_kept_where_the_profile_compares_hosts_as_written() {
        for input in [
            "https://.example.com",
            "https://..example.com",
            "https://a..example.com",
            "https://example.com..",
        ] {
            assert_eq!(
                reason(input, &Profile::SPEC),
                Reason::InvalidOrigin,
                "{input}"
            );
            assert_eq!(
                reason(input, &Profile::FIREFOX),
                Reason::InvalidOrigin,
                "{input}"
            );
            let c = CallerOrigin::parse(input, &Profile::CHROMIUM).expect(input);
            assert_eq!(c.serialize(), input, "kept as written, dots and all");
        }
        // An empty label does not make an IP host a domain: the URL parser refuses it.
        assert_eq!(
            reason("https://a..1", &Profile::CHROMIUM),
            Reason::InvalidOrigin
        );
    }
}
