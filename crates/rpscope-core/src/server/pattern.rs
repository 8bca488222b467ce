//! Origin patterns as an RP writes them in its policy, and their normal form.
//!
//! * `https://example.com`, `http://localhost:3000`: one web origin. Host case, a
//!   trailing `/` and a written default port are normalised away; a path, query,
//!   fragment or userinfo makes the pattern invalid.
//! * `https://*.example.com`: any strict subdomain at a dot boundary, same scheme
//!   and port, never the apex. Invalid over a public suffix (`https://*.com`,
//!   `https://*.github.io`).
//! * `https://example.com:*`: any port, the default included; `https://*.example.com:*`.
//! * Anything not starting with `http://` or `https://` (any case): an app origin
//!   (`android:apk-key-hash:…`, `ios:bundle-id:…`), matched exactly and case-sensitively.
//!
//! Parsing runs once, when the policy compiles; it uses the `url` crate so the
//! normal form is exactly what a browser serialises.

use crate::psl::PublicSuffixList;
use crate::server::presented::Scheme;
use std::fmt;
use url::{Host, Url};

/// Which ports a web pattern admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortRule {
    /// Exactly this port (the scheme's default when none was written).
    Is(u16),
    /// Any port (`:*`).
    Any,
}

impl PortRule {
    /// Whether `port` is admitted.
    pub fn admits(self, port: u16) -> bool {
        match self {
            PortRule::Is(p) => p == port,
            PortRule::Any => true,
        }
    }
}

/// A compiled origin pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// A web origin, or (with `subdomains`) the strict subdomains of `host`.
    Web {
        /// http or https.
        scheme: Scheme,
        /// The canonical host (the base domain for a subdomain pattern).
        host: String,
        /// The admitted ports.
        port: PortRule,
        /// Whether this is `*.host` (strict subdomains only).
        subdomains: bool,
    },
    /// An app origin, matched exactly.
    App(String),
}

/// Why a pattern is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "origin pattern `{}`: {}", self.pattern, self.message)
    }
}

impl Pattern {
    /// Parses a pattern, refusing wildcards over public suffixes.
    ///
    /// ```
    /// use rpscope_core::server::pattern::{Pattern, PortRule};
    /// use rpscope_core::PublicSuffixList;
    /// let psl = PublicSuffixList::vendored();
    /// let p = Pattern::parse("HTTPS://Example.COM:443/", &psl).unwrap();
    /// assert_eq!(p.to_string(), "https://example.com");
    /// assert_eq!(Pattern::parse("https://*.example.com:*", &psl).unwrap().to_string(), "https://*.example.com:*");
    /// assert!(Pattern::parse("https://*.github.io", &psl).is_err());
    /// assert!(Pattern::parse("https://example.com/login", &psl).is_err());
    /// ```
    pub fn parse(text: &str, psl: &PublicSuffixList) -> Result<Pattern, PatternError> {
        let err = |message: &str| PatternError {
            pattern: text.to_owned(),
            message: message.to_owned(),
        };
        let lower = text
            .get(..8)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let (scheme, rest) = if lower.starts_with("https://") {
            (Scheme::Https, &text[8..])
        } else if lower.starts_with("http://") {
            (Scheme::Http, &text[7..])
        } else if text.is_empty() {
            return Err(err("it is empty"));
        } else if text.trim() != text {
            return Err(err(
                "an app origin is matched exactly, so it may not start or end with white space",
            ));
        } else if text == "null" {
            return Err(err("`null` is how an opaque origin (sandboxed frame, data: URL) serialises; no RP expects it"));
        } else if lower.starts_with("http:") || lower.starts_with("https:") {
            return Err(err("a web origin is written `https://host[:port]`"));
        } else {
            return Ok(Pattern::App(text.to_owned()));
        };
        // Split the authority from what follows; only a single `/` may follow.
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if !(tail.is_empty() || tail == "/") {
            return Err(err(
                "a policy origin has no path, query or fragment (a single trailing `/` is allowed)",
            ));
        }
        if authority.contains('@') {
            return Err(err("a policy origin has no userinfo"));
        }
        let (host_part, port) = match authority.strip_suffix(":*") {
            Some(h) => (h, PortRule::Any),
            None => (authority, PortRule::Is(0)),
        };
        let (subdomains, host_part) = match host_part.strip_prefix("*.") {
            Some(h) => (true, h),
            None => (false, host_part),
        };
        if host_part.contains('*') {
            return Err(err(
                "`*` may only stand as the first label (`*.example.com`) or as the port (`:*`)",
            ));
        }
        let url = Url::parse(&format!("{}://{host_part}/", scheme.as_str()))
            .map_err(|e| err(&format!("not a web origin: {e}")))?;
        let host = match url.host() {
            Some(Host::Domain(d)) => d.to_owned(),
            Some(h @ (Host::Ipv4(_) | Host::Ipv6(_))) if !subdomains => h.to_string(),
            Some(_) => {
                return Err(err(
                    "a subdomain wildcard needs a domain, not an IP address",
                ))
            }
            None => return Err(err("it has no host")),
        };
        let port = match port {
            PortRule::Any => PortRule::Any,
            PortRule::Is(_) => {
                PortRule::Is(url.port_or_known_default().unwrap_or(scheme.default_port()))
            }
        };
        if subdomains {
            match psl.public_suffix(&host) {
                Some(suffix) if suffix.len() == host.len() => {
                    return Err(err(&format!(
                        "`*.{host}` would admit every site under the public suffix `{host}`, which no one owner controls"
                    )))
                }
                None => return Err(err("the wildcard's base domain has an empty label")),
                Some(_) => {}
            }
        }
        Ok(Pattern::Web {
            scheme,
            host,
            port,
            subdomains,
        })
    }
}

impl fmt::Display for Pattern {
    /// The normal form: what the pattern means, written as a policy would.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::App(s) => f.write_str(s),
            Pattern::Web {
                scheme,
                host,
                port,
                subdomains,
            } => {
                write!(
                    f,
                    "{}://{}{host}",
                    scheme.as_str(),
                    if *subdomains { "*." } else { "" }
                )?;
                match port {
                    PortRule::Any => f.write_str(":*"),
                    PortRule::Is(p) if *p == scheme.default_port() => Ok(()),
                    PortRule::Is(p) => write!(f, ":{p}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Pattern::parse(s, &PublicSuffixList::vendored())
            .map(|p| p.to_string())
            .unwrap_or_else(|e| format!("ERR {}", e.message))
    }

    #[test]
    fn normal_forms() {
        assert_eq!(norm("https://example.com/"), "https://example.com");
        assert_eq!(norm("HTTPS://EXAMPLE.com:443"), "https://example.com");
        assert_eq!(norm("http://localhost:80/"), "http://localhost");
        assert_eq!(
            norm("https://bücher.example:8443"),
            "https://xn--bcher-kva.example:8443"
        );
        assert_eq!(
            norm("https://*.Example.com:8443/"),
            "https://*.example.com:8443"
        );
        assert_eq!(norm("https://example.com:*"), "https://example.com:*");
        assert_eq!(norm("android:apk-key-hash:AbC"), "android:apk-key-hash:AbC");
    }

    #[test]
    fn invalid_patterns() {
        for s in [
            "",
            "https://example.com/login",
            "https://example.com?x",
            "https://example.com#x",
            "https://u@example.com",
            "https://*.com",
            "https://*.github.io",
            "https://*.co.uk",
            "https://*.lan",
            "https://a.*.example.com",
            "https://*example.com",
            "https://example.*",
            "https://*.127.0.0.1",
            "https://example.com:99999",
            "https://",
            " ios:bundle-id:x",
            "null",
            "https:example.com",
            "HTTP:/example.com",
        ] {
            assert!(norm(s).starts_with("ERR"), "{s:?} gave {}", norm(s));
        }
    }
}
