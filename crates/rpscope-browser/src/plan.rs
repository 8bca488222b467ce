//! What a browser is asked to do for a case, or why a browser cannot be asked.
//!
//! A case is replayed by navigating a real browser to the caller's page and calling
//! `navigator.credentials.create()` there. Some cases name something no browser page
//! can be: a string that is not a URL, a scheme no page is loaded from, a page that
//! only exists on someone's disk or inside an extension, a well-known response HTTP
//! cannot send. Those are skipped with the reason, never given a verdict. Which origins
//! *can* be navigated to is decided here by the WHATWG URL parser (the `url` crate, the
//! parser browsers implement); what the browser then does with the page (an insecure
//! `http:` page has no `navigator.credentials`, an IP host is refused by WebAuthn, a
//! restricted port is refused by the network stack) is measured, not predicted.

use crate::server::WellKnownReply;
use bytes::Bytes;
use hyper::header::HeaderValue;
use hyper::StatusCode;
use rpscope_corpus::ClientCase;
use std::net::IpAddr;
use url::{Host, Url};

/// What to do in the browser for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The URL the browser navigates to: the case's origin string as given (the browser
    /// parses it, as it would a typed or linked URL).
    pub url: String,
    /// The origin the page must end up with, serialised (`null` for an opaque origin);
    /// a page that ends anywhere else is not the case's caller. `None` when the URL
    /// parser here refused the URL and the browser's own parser is being asked.
    pub expected_origin: Option<String>,
    /// The `rp.id` to pass (`None`: leave it out, so the browser uses the caller's
    /// effective domain).
    pub rp_id: Option<String>,
    /// What `https://{rp_id}/.well-known/webauthn` answers (`None`: a network error).
    pub well_known: Option<WellKnownReply>,
    /// The port the page's URL connects to, when it is loaded over the network.
    pub port: Option<u16>,
    /// IP addresses the case's page uses, for the certificate served without SNI.
    pub ip_hosts: Vec<IpAddr>,
    /// Other ports the well-known fetch's redirects connect to.
    pub hop_ports: Vec<u16>,
}

/// Why a case cannot be replayed in a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip(pub String);

fn skip<T>(why: impl Into<String>) -> Result<T, Skip> {
    Err(Skip(why.into()))
}

/// Plans one case.
pub fn plan(case: &ClientCase) -> Result<Plan, Skip> {
    let url = match Url::parse(&case.origin) {
        Ok(url) => url,
        Err(e) => return unparsed(case, e),
    };
    let mut ip_hosts = Vec::new();
    let port = match url.scheme() {
        "https" | "http" => {
            match url.host() {
                Some(Host::Ipv4(ip)) => ip_hosts.push(IpAddr::V4(ip)),
                Some(Host::Ipv6(ip)) => ip_hosts.push(IpAddr::V6(ip)),
                Some(Host::Domain(host)) if url.scheme() == "https" => {
                    // rustls refuses a ClientHello whose SNI is not a DNS host name
                    // (RFC 6066 §3; rustls server/hs.rs: illegal_parameter), and the
                    // browser sends the host as SNI, so no https page can be served
                    // at such a host by this server.
                    if rustls::pki_types::DnsName::try_from(host).is_err() {
                        return skip(format!(
                            "the host `{host}` cannot be a TLS server name (RFC 6066 §3), which the oracle's TLS server (rustls) enforces: no https page can be served there"
                        ));
                    }
                }
                Some(Host::Domain(_)) => {}
                None => return skip("the caller URL has no host"),
            }
            url.port_or_known_default()
        }
        // A top-level page with an opaque origin that a browser loads without any
        // network: measurable as it is.
        "data" | "about" => None,
        "javascript" => {
            return skip(
                "a javascript: URL runs in the document it is navigated from and has no page of its own",
            )
        }
        "file" => {
            return skip("a file: page would be a file on this machine; the oracle serves no files")
        }
        "blob" | "filesystem" => {
            return skip(format!(
                "a {}: URL names an object created inside one page's storage; this one does not exist in a fresh browser",
                url.scheme()
            ))
        }
        "chrome" | "chrome-extension" | "moz-extension" | "isolated-app" => {
            return skip(format!(
                "a {}: page belongs to the browser or to an installed extension or app, none of which the oracle installs",
                url.scheme()
            ))
        }
        other => {
            return skip(format!(
                "browsers load no web page over the `{other}:` scheme"
            ))
        }
    };
    let expected_origin = Some(url.origin().ascii_serialization());
    if let Some(Ok(Host::Ipv4(ip))) = case.rp_id.as_deref().map(Host::parse) {
        ip_hosts.push(IpAddr::V4(ip));
    }
    let port_of_page = port;
    let mut hop_ports = Vec::new();
    let well_known = match &case.well_known {
        None => None,
        Some(w) => {
            let status = match StatusCode::from_u16(w.status) {
                Ok(s) => s,
                Err(_) => {
                    return skip(format!(
                        "HTTP has no status {} (a status is three digits)",
                        w.status
                    ))
                }
            };
            if status.is_informational() {
                return skip(format!(
                    "status {} is informational: it cannot be a final response",
                    w.status
                ));
            }
            // RFC 9110 §15.3.5, §15.3.6, §15.4.5: no content with these.
            if matches!(w.status, 204 | 205 | 304) && !w.body.is_empty() {
                return skip(format!(
                    "status {} cannot carry the case's body (RFC 9110)",
                    w.status
                ));
            }
            let content_type = if w.content_type.is_empty() {
                None
            } else {
                match HeaderValue::from_str(&w.content_type) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        return skip(format!(
                            "the content type {:?} cannot be sent as an HTTP header value",
                            w.content_type
                        ))
                    }
                }
            };
            let host = case
                .rp_id
                .clone()
                .or_else(|| url.host_str().map(str::to_owned))
                .unwrap_or_default();
            if Url::parse(&format!("https://{host}/.well-known/webauthn")).is_err() {
                return skip(format!(
                    "`https://{host}/.well-known/webauthn` is not a URL, so no server can answer it the case's response"
                ));
            }
            for (i, hop) in w.redirects.iter().enumerate() {
                let Ok(hop_url) = Url::parse(hop) else {
                    return skip(format!(
                        "the redirect `{hop}` is not a URL: no Location header can name it"
                    ));
                };
                if matches!(hop_url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))) {
                    return skip(format!("the redirect `{hop}` names an address; only names are sent to the oracle's server in every browser"));
                }
                if !matches!(hop_url.scheme(), "http" | "https") {
                    return skip(format!("the redirect `{hop}` leaves HTTP; the oracle's server speaks only http and https"));
                }
                let path = crate::server::path_and_query(hop).unwrap_or_default();
                let clash = path.split('?').next() == Some(crate::server::WELL_KNOWN_PATH)
                    || w.redirects[..i].iter().any(|h| {
                        crate::server::path_and_query(h).as_deref() == Some(path.as_str())
                    });
                if clash {
                    return skip(format!(
                        "the redirect `{hop}` repeats a path of its chain; the oracle's server tells hops apart by path"
                    ));
                }
                if let Some(port) = hop_url.port_or_known_default() {
                    if Some(port) != port_of_page && !hop_ports.contains(&port) {
                        hop_ports.push(port);
                    }
                }
            }
            Some(WellKnownReply {
                status,
                content_type,
                body: Bytes::from(w.body.clone()),
                redirects: w.redirects.clone(),
            })
        }
    };
    Ok(Plan {
        url: case.origin.clone(),
        expected_origin,
        rp_id: case.rp_id.clone(),
        well_known,
        port,
        ip_hosts,
        hop_ports,
    })
}

/// A caller the WHATWG parser here refuses. An `http(s)://` string is still handed to
/// the browser, whose own URL parser has the last word (implementations differ on IDNA
/// and IPv4 edge cases): if it refuses too, the case is skipped with its message.
fn unparsed(case: &ClientCase, error: url::ParseError) -> Result<Plan, Skip> {
    let lower = case.origin.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return skip(format!(
            "the caller `{}` is not a URL ({error}): no browser page has it as its address",
            case.origin
        ));
    }
    if case.well_known.is_some() {
        return skip(format!(
            "the caller `{}` is not a URL here ({error}), and the case's well-known response needs a host to serve",
            case.origin
        ));
    }
    Ok(Plan {
        url: case.origin.clone(),
        expected_origin: None,
        rp_id: case.rp_id.clone(),
        well_known: None,
        port: None,
        ip_hosts: Vec::new(),
        hop_ports: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rpscope_corpus::case::{Expected, Outcome, WellKnown};

    fn case(origin: &str, rp_id: Option<&str>) -> ClientCase {
        ClientCase {
            id: "t::t".into(),
            description: String::new(),
            source: vec![],
            origin: origin.into(),
            rp_id: rp_id.map(str::to_owned),
            well_known: None,
            flags: vec![],
            expected: Expected::all(Outcome::Reject),
            reason: None,
            note: None,
        }
    }

    fn with_well_known(status: u16, content_type: &str, body: &str) -> ClientCase {
        let mut c = case("https://example.co.uk", Some("example.com"));
        c.well_known = Some(WellKnown {
            status,
            content_type: content_type.into(),
            body: body.into(),
            redirects: Vec::new(),
        });
        c
    }

    #[test]
    fn web_origins_are_navigated_as_given() {
        let p = plan(&case(
            "HTTPS://Login.Example.COM:1337/x?y",
            Some("example.com"),
        ))
        .expect("plan");
        assert_eq!(p.url, "HTTPS://Login.Example.COM:1337/x?y");
        assert_eq!(
            p.expected_origin.as_deref(),
            Some("https://login.example.com:1337")
        );
        assert_eq!(p.port, Some(1337));
        let p = plan(&case("http://example.com", None)).expect("insecure pages are measured");
        assert_eq!(p.port, Some(80));
    }

    #[test]
    fn ip_hosts_are_collected_for_the_certificate() {
        let p = plan(&case("https://0x7f.1", Some("127.0.0.1"))).expect("plan");
        assert_eq!(p.expected_origin.as_deref(), Some("https://127.0.0.1"));
        assert_eq!(p.ip_hosts.len(), 2);
        let p = plan(&case("https://[::1]:8443", None)).expect("plan");
        assert_eq!(p.ip_hosts, vec!["::1".parse::<IpAddr>().expect("ip")]);
    }

    #[test]
    fn opaque_pages_a_browser_can_open_are_measured() {
        let p = plan(&case("about:blank", Some("example.com"))).expect("plan");
        assert_eq!(p.expected_origin.as_deref(), Some("null"));
        assert_eq!(p.port, None);
        assert!(plan(&case("data:text/html,<p>x", None)).is_ok());
    }

    #[test]
    fn callers_no_page_can_have_are_skipped() {
        for origin in [
            "null",
            "",
            "login.example.com",
            "//example.com",
            "https://example..com",
            "https://-example.com",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "blob:https://example.com/0b8e8f3c",
            "filesystem:https://example.com/temporary/x",
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "moz-extension://0f9b4a0e",
            "chrome://settings",
            "ws://example.com",
            "ftp://example.com",
            "android:apk-key-hash:abc",
        ] {
            assert!(plan(&case(origin, None)).is_err(), "{origin}");
        }
    }

    #[test]
    fn urls_this_parser_refuses_are_left_to_the_browsers_parser() {
        let p = plan(&case("https://256.0.0.1", None)).expect("the browser decides");
        assert_eq!(p.expected_origin, None);
        assert!(plan(&case("http://exa\u{200d}mple.com", None)).is_ok());
        let mut c = case("https://256.0.0.1", Some("example.com"));
        c.well_known = Some(WellKnown {
            status: 200,
            content_type: "application/json".into(),
            body: "{}".into(),
            redirects: Vec::new(),
        });
        assert!(plan(&c).is_err());
    }

    #[test]
    fn redirect_chains_are_planned_or_skipped() {
        let mut c = with_well_known(200, "application/json", "{}");
        let w = c.well_known.as_mut().expect("well-known");
        w.redirects = vec![
            "http://example.com:8080/hop".into(),
            "https://cdn.example.net/webauthn.json".into(),
        ];
        let p = plan(&c).expect("plannable");
        assert_eq!(p.hop_ports, [8080]);
        assert_eq!(p.well_known.expect("reply").redirects.len(), 2);
        for bad in [
            "https://example.com/.well-known/webauthn",
            "not a url",
            "ftp://example.com/x",
            "https://192.0.2.7/x",
        ] {
            let mut c = with_well_known(200, "application/json", "{}");
            c.well_known.as_mut().expect("well-known").redirects = vec![bad.into()];
            assert!(plan(&c).is_err(), "{bad}");
        }
    }

    /// A host with an empty label (`.example.com`, `a..example.com`,
    /// `example.com..`) is no DNS name, so no TLS server can be named by it: such
    /// cases keep the corpus's `acceptable` for browsers (corpus/cases/dots.toml).
    #[test]
    fn https_callers_with_empty_labels_are_skipped() {
        for origin in [
            "https://.example.com",
            "https://..example.com",
            "https://a..example.com",
            "https://example.com..",
            "https://.com",
        ] {
            let Skip(why) = plan(&case(origin, Some("example.com"))).expect_err(origin);
            assert!(why.contains("TLS server name"), "{origin}: {why}");
        }
        let corpus = rpscope_corpus::Corpus::embedded().expect("the embedded corpus loads");
        let mut dotted = 0;
        for (_, c) in corpus.client_cases() {
            let Ok(url) = Url::parse(&c.origin) else {
                continue;
            };
            let Some(Host::Domain(host)) = url.host() else {
                continue;
            };
            let body = host.strip_suffix('.').unwrap_or(host);
            if url.scheme() == "https" && body.split('.').any(str::is_empty) {
                dotted += 1;
                assert!(plan(c).is_err(), "{} would be run in a browser", c.id);
            }
        }
        assert!(
            dotted >= 10,
            "only {dotted} corpus cases have such a caller"
        );
    }

    #[test]
    fn an_http_page_needs_no_tls_server_name() {
        assert!(plan(&case("http://example..com", None)).is_ok());
        assert!(plan(&case("https://example.com.", None)).is_ok());
        assert!(plan(&case("https://example.com..", None)).is_err());
    }

    #[test]
    fn well_known_responses_http_cannot_send_are_skipped() {
        assert!(plan(&with_well_known(200, "application/json", "{}")).is_ok());
        assert!(plan(&with_well_known(204, "", "")).is_ok());
        assert!(plan(&with_well_known(301, "application/json", "{}")).is_ok());
        assert!(plan(&with_well_known(204, "application/json", "{}")).is_err());
        assert!(plan(&with_well_known(103, "application/json", "")).is_err());
        assert!(plan(&with_well_known(42, "application/json", "")).is_err());
        assert!(plan(&with_well_known(200, "application/json\r\nX: y", "{}")).is_err());
    }

    #[test]
    fn an_empty_content_type_is_no_header() {
        let p = plan(&with_well_known(200, "", "{}")).expect("plan");
        assert_eq!(p.well_known.expect("reply").content_type, None);
    }
}
