//! `--connect-to HOST:PORT:ADDR:PORT2`, as curl spells it: requests for HOST:PORT
//! connect to ADDR:PORT2 instead, while the URL, the TLS server name and the
//! certificate check keep HOST. An empty HOST or PORT matches any; an empty ADDR
//! or PORT2 keeps the original (curl(1), `--connect-to`).

use std::fmt;
use std::sync::Arc;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// One `--connect-to` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    /// The host it applies to (lower case; `None`: any host).
    pub host: Option<String>,
    /// The port it applies to (`None`: any port).
    pub port: Option<u16>,
    /// Where to connect instead (`None`: the original host).
    pub addr: Option<String>,
    /// Which port to connect to instead (`None`: the original port).
    pub port2: Option<u16>,
}

/// The longest `--connect-to` value accepted, in bytes.
pub const MAX_CONNECT_TO_LEN: usize = 1024;

impl ConnectTo {
    /// Parses curl's `HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT`; an IPv6 address is
    /// written in brackets.
    ///
    /// ```
    /// use rpscope_probe::ConnectTo;
    /// let rule = ConnectTo::parse("pve.example.com:443:127.0.0.1:8006").unwrap();
    /// assert_eq!(rule.addr.as_deref(), Some("127.0.0.1"));
    /// assert_eq!(rule.port2, Some(8006));
    /// let any = ConnectTo::parse("::[::1]:").unwrap();
    /// assert_eq!((any.host, any.port, any.addr.as_deref(), any.port2), (None, None, Some("::1"), None));
    /// assert!(ConnectTo::parse("example.com:443:127.0.0.1").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<ConnectTo, String> {
        if text.len() > MAX_CONNECT_TO_LEN {
            return Err(format!(
                "a --connect-to value is at most {MAX_CONNECT_TO_LEN} bytes"
            ));
        }
        let bad =
            |why: &str| format!("--connect-to `{text}`: {why} (expected HOST:PORT:ADDR:PORT2)");
        let (host, rest) = split_host(text).ok_or_else(|| bad("four fields"))?;
        let (port, rest) = rest.split_once(':').ok_or_else(|| bad("four fields"))?;
        let (addr, port2) = split_host(rest).ok_or_else(|| bad("four fields"))?;
        if port2.contains(':') {
            return Err(bad("four fields"));
        }
        let port_of = |p: &str| -> Result<Option<u16>, String> {
            if p.is_empty() {
                return Ok(None);
            }
            match p.parse::<u16>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(bad(&format!("`{p}` is not a port"))),
            }
        };
        let name = |h: &str| (!h.is_empty()).then(|| h.to_ascii_lowercase());
        Ok(ConnectTo {
            host: name(host),
            port: port_of(port)?,
            addr: name(addr),
            port2: port_of(port2)?,
        })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        self.host.as_deref().is_none_or(|h| {
            h.eq_ignore_ascii_case(host.trim_start_matches('[').trim_end_matches(']'))
        }) && self.port.is_none_or(|p| p == port)
    }
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = |h: &Option<String>| match h.as_deref() {
            Some(h) if h.contains(':') => format!("[{h}]"),
            Some(h) => h.to_owned(),
            None => String::new(),
        };
        let port = |p: Option<u16>| p.map(|p| p.to_string()).unwrap_or_default();
        write!(
            f,
            "{}:{}:{}:{}",
            host(&self.host),
            port(self.port),
            host(&self.addr),
            port(self.port2)
        )
    }
}

/// `host:rest`, where host may be `[v6]`: (host without brackets, rest); `None`
/// without the colon.
fn split_host(text: &str) -> Option<(&str, &str)> {
    if let Some(inner) = text.strip_prefix('[') {
        let (host, rest) = inner.split_once(']')?;
        Some((host, rest.strip_prefix(':')?))
    } else {
        text.split_once(':')
    }
}

/// A resolver that applies the first matching rule, then resolves with ureq's own.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectToResolver {
    pub(crate) rules: Arc<Vec<ConnectTo>>,
}

impl Resolver for ConnectToResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(host), Some(scheme)) = (uri.host(), uri.scheme_str()) else {
            return DefaultResolver::default().resolve(uri, config, timeout);
        };
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "http" { 80 } else { 443 });
        let Some(rule) = self.rules.iter().find(|r| r.matches(host, port)) else {
            // A failed lookup is an I/O error from the system resolver: say what it is.
            return DefaultResolver::default()
                .resolve(uri, config, timeout)
                .map_err(not_found);
        };
        let addr = match rule.addr.as_deref() {
            Some(a) if a.contains(':') => format!("[{a}]"),
            Some(a) => a.to_owned(),
            None => host.to_owned(),
        };
        let target = format!("{scheme}://{addr}:{}/", rule.port2.unwrap_or(port));
        let target: Uri = target
            .parse()
            .map_err(|_| ureq::Error::BadUri(format!("--connect-to target {target}")))?;
        DefaultResolver::default()
            .resolve(&target, config, timeout)
            .map_err(not_found)
    }
}

fn not_found(e: ureq::Error) -> ureq::Error {
    match e {
        ureq::Error::Io(_) => ureq::Error::HostNotFound,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_curl_forms() {
        let r = ConnectTo::parse("Example.COM:443:10.0.0.2:8443").unwrap();
        assert_eq!(r.host.as_deref(), Some("example.com"));
        assert!(r.matches("example.com", 443));
        assert!(!r.matches("example.com", 8443));
        assert!(!r.matches("other.com", 443));
        let r = ConnectTo::parse("[::1]:443:[2001:db8::1]:").unwrap();
        assert_eq!(r.host.as_deref(), Some("::1"));
        assert_eq!(r.addr.as_deref(), Some("2001:db8::1"));
        assert_eq!(r.to_string(), "[::1]:443:[2001:db8::1]:");
        let any = ConnectTo::parse(":::").unwrap();
        assert!(any.matches("anything", 1));
        for bad in [
            "",
            "a",
            "a:443",
            "a:443:b",
            "a:443:b:1:2",
            "a:x:b:1",
            "a:443:b:70000",
            "a:0:b:1",
            "[::1:443:b:1",
        ] {
            assert!(ConnectTo::parse(bad).is_err(), "{bad}");
        }
        assert!(ConnectTo::parse(&"a".repeat(MAX_CONNECT_TO_LEN + 1)).is_err());
    }
}
