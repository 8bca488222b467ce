//! The compiled origin matcher: cost linear in the presented origin's length,
//! independent of how many patterns the policy holds, and allocation-free.
//!
//! * exact web origins and app origins: one hash set of normalised strings;
//! * any-port patterns: a hash set of `scheme://host`, looked up with the
//!   presented origin's port cut off;
//! * subdomain patterns: a map from base domain to its entries, probed with the
//!   presented host's dot-suffixes from the shortest (two labels) up to the
//!   deepest base the policy has, each strictly shorter than the host. The number
//!   of probes is bounded by that depth, not by the number of patterns, so the
//!   cost stays linear in the origin's length.

use crate::server::pattern::{Pattern, PortRule};
use crate::server::presented::{Presented, Scheme, WebOrigin, HOST_BYTES};
use foldhash::fast::FixedState;
use std::collections::{HashMap, HashSet};

type Set = HashSet<Box<str>, FixedState>;

/// What matched a presented origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// An exact web origin.
    Exact,
    /// An any-port pattern for the same scheme and host.
    AnyPort,
    /// A subdomain pattern (`https://*.example.com`).
    Subdomain,
    /// An app origin.
    App,
}

/// A set of origin patterns, compiled.
#[derive(Debug, Clone)]
pub struct OriginMatcher {
    /// Exact web origins (normal form) and app origins. Every key is what a
    /// valid presented origin looks like, so a hit needs no further reading.
    exact: HashMap<Box<str>, Matched, FixedState>,
    /// Bit `min(len, 127)` is set for every key length in `exact`: a presented
    /// string of another length skips the hash.
    exact_lengths: u128,
    any_port: Set,
    /// The same length filter for `any_port`.
    any_port_lengths: u128,
    /// Subdomain patterns by base domain.
    wildcards: HashMap<Box<str>, Vec<(Scheme, PortRule)>, FixedState>,
    /// The same patterns as a short list, when there are at most
    /// [`FEW_WILDCARDS`]: comparing each base with the host's tail directly
    /// beats finding dots and hashing (a constant bound, like the map's probes).
    few_wildcards: Option<Vec<(Box<str>, Scheme, PortRule)>>,
    /// The most labels any wildcard base has (0: no wildcards).
    deepest_base: usize,
    len: usize,
}

impl OriginMatcher {
    /// Compiles parsed patterns.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p Pattern>) -> Self {
        let mut m = OriginMatcher {
            exact: HashMap::default(),
            exact_lengths: 0,
            any_port: Set::default(),
            any_port_lengths: 0,
            wildcards: HashMap::default(),
            few_wildcards: None,
            deepest_base: 0,
            len: 0,
        };
        for p in patterns {
            m.len += 1;
            match p {
                Pattern::App(s) => {
                    m.exact.insert(s.as_str().into(), Matched::App);
                }
                Pattern::Web {
                    scheme,
                    host,
                    port,
                    subdomains: false,
                } => match port {
                    PortRule::Any => {
                        m.any_port
                            .insert(format!("{}://{host}", scheme.as_str()).into());
                    }
                    PortRule::Is(_) => {
                        m.exact.insert(p.to_string().into(), Matched::Exact);
                    }
                },
                Pattern::Web {
                    scheme,
                    host,
                    port,
                    subdomains: true,
                } => {
                    m.deepest_base = m.deepest_base.max(host.split('.').count());
                    m.wildcards
                        .entry(host.as_str().into())
                        .or_default()
                        .push((*scheme, *port));
                }
            }
        }
        let entries: usize = m.wildcards.values().map(Vec::len).sum();
        if entries <= FEW_WILDCARDS {
            m.few_wildcards = Some(
                m.wildcards
                    .iter()
                    .flat_map(|(base, list)| list.iter().map(move |&(s, p)| (base.clone(), s, p)))
                    .collect(),
            );
        }
        m.exact_lengths = m.exact.keys().fold(0, |bits, k| bits | length_bit(k));
        m.any_port_lengths = m.any_port.iter().fold(0, |bits, k| bits | length_bit(k));
        m
    }

    /// Looks a presented string up among the exact and app origins, before any
    /// reading: a hit is valid by construction, since every key is in normal form
    /// and app patterns never look like web origins.
    pub fn find_exact(&self, presented: &str) -> Option<Matched> {
        if self.exact_lengths & length_bit(presented) == 0 {
            return None;
        }
        self.exact.get(presented).copied()
    }

    /// Matches a presented origin that has been read.
    pub fn find(&self, origin: &Presented<'_>) -> Option<Matched> {
        match origin {
            Presented::App(s) => self.find_exact(s),
            Presented::Web(o) => self.find_exact(o.serialized).or_else(|| self.find_web(o)),
        }
    }

    /// The any-port and subdomain patterns for a presented string, read only as far
    /// as the lookup needs: keys are canonical, so a hit vouches for the part of the
    /// host it matched, and only the labels left of a wildcard's base and the port
    /// are checked here. `None` means "not found this way"; the caller then reads
    /// the whole string ([`read`](crate::server::presented::read)) to learn why.
    /// A test holds this to the same answers as reading first.
    pub fn find_pattern_unread(&self, s: &str) -> Option<Matched> {
        if self.any_port.is_empty() && self.deepest_base == 0 {
            return None;
        }
        let (scheme, rest) = if let Some(rest) = s.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else {
            (Scheme::Http, s.strip_prefix("http://")?)
        };
        // The port, read from the right: digits after the last `:`.
        let bytes = rest.as_bytes();
        let digits = bytes
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let (host, port) =
            if digits > 0 && bytes.len() > digits && bytes[bytes.len() - digits - 1] == b':' {
                let text = &rest[bytes.len() - digits..];
                if digits > 5 || (digits > 1 && text.starts_with('0')) {
                    return None;
                }
                let port = text
                    .parse::<u16>()
                    .ok()
                    .filter(|&p| p != scheme.default_port())?;
                (&rest[..bytes.len() - digits - 1], port)
            } else if bytes.last().is_some_and(|&b| b == b':') {
                return None;
            } else {
                (rest, scheme.default_port())
            };
        if host.is_empty() || host.starts_with('[') {
            return None;
        }
        let without_port = &s[..s.len() - rest.len() + host.len()];
        if self.any_port_lengths & length_bit(without_port) != 0
            && self.any_port.contains(without_port)
        {
            return Some(Matched::AnyPort);
        }
        let h = host.as_bytes();
        if let Some(few) = &self.few_wildcards {
            return few.iter().find_map(|(base, sc, p)| {
                let dot = strict_subdomain_of(h, base.as_bytes())?;
                (*sc == scheme && p.admits(port) && plain_labels(&h[..dot]))
                    .then_some(Matched::Subdomain)
            });
        }
        let mut dot = h.iter().rposition(|&b| b == b'.')?;
        for _ in 2..=self.deepest_base {
            dot = h[..dot].iter().rposition(|&b| b == b'.')?;
            if let Some(entries) = self.wildcards.get(&host[dot + 1..]) {
                if entries
                    .iter()
                    .any(|&(sc, p)| sc == scheme && p.admits(port))
                {
                    return plain_labels(&h[..dot]).then_some(Matched::Subdomain);
                }
            }
        }
        None
    }

    /// Matches a read web origin against the any-port and subdomain patterns only
    /// (after [`OriginMatcher::find_exact`] missed).
    pub fn find_web(&self, o: &WebOrigin<'_>) -> Option<Matched> {
        if self.any_port_lengths & length_bit(o.without_port) != 0
            && self.any_port.contains(o.without_port)
        {
            return Some(Matched::AnyPort);
        }
        if self.deepest_base == 0 || o.host.starts_with('[') {
            return None;
        }
        // The suffix after the k-th dot from the right has k labels. A base has at
        // least two labels (a single label is a public suffix), and the suffix
        // must leave a label to its left: probe after the 2nd, 3rd, … dot.
        let host = o.host.as_bytes();
        if let Some(few) = &self.few_wildcards {
            let admitted = few.iter().any(|(base, s, p)| {
                *s == o.scheme
                    && p.admits(o.port)
                    && strict_subdomain_of(host, base.as_bytes()).is_some()
            });
            return admitted.then_some(Matched::Subdomain);
        }
        let mut dot = host.iter().rposition(|&b| b == b'.')?;
        for _ in 2..=self.deepest_base {
            dot = host[..dot].iter().rposition(|&b| b == b'.')?;
            if let Some(entries) = self.wildcards.get(&o.host[dot + 1..]) {
                if entries
                    .iter()
                    .any(|&(s, p)| s == o.scheme && p.admits(o.port))
                {
                    return Some(Matched::Subdomain);
                }
            }
        }
        None
    }
}

/// At most this many subdomain patterns are compared one by one.
const FEW_WILDCARDS: usize = 8;

/// When `host` is a strict subdomain of `base` at a dot boundary, the position of
/// that dot.
fn strict_subdomain_of(host: &[u8], base: &[u8]) -> Option<usize> {
    let dot = host.len().checked_sub(base.len() + 1)?;
    (dot > 0 && host[dot] == b'.' && host.ends_with(base)).then_some(dot)
}

/// Whether the labels left of a wildcard's base are canonical without IDNA's
/// help: every byte a serialised host may hold, and no `xn--` label (those need
/// [`read`](crate::server::presented::read), which asks IDNA). One pass.
fn plain_labels(prefix: &[u8]) -> bool {
    if prefix.starts_with(b"xn--") {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        let b = prefix[i];
        if !HOST_BYTES[usize::from(b)] || (b == b'.' && prefix[i + 1..].starts_with(b"xn--")) {
            return false;
        }
        i += 1;
    }
    true
}

fn length_bit(s: &str) -> u128 {
    1 << s.len().min(127)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::psl::PublicSuffixList;
    use crate::server::presented::read;

    /// The unread fast path never accepts what reading first would not, and finds
    /// every pattern match reading first finds on ordinary hosts.
    #[test]
    fn the_unread_path_agrees_with_reading_first() {
        let psl = PublicSuffixList::vendored();
        let patterns: Vec<Pattern> = [
            "https://*.example.net",
            "https://*.a.example.org:8443",
            "http://*.example.net:*",
            "https://pve.example.com:*",
            "https://x.example.com",
        ]
        .iter()
        .map(|p| Pattern::parse(p, &psl).unwrap())
        .collect();
        let few = OriginMatcher::new(&patterns);
        assert!(few.few_wildcards.is_some());
        // The same patterns plus enough other wildcards to use the map instead.
        let extra: Vec<Pattern> = (0..FEW_WILDCARDS)
            .map(|i| Pattern::parse(&format!("https://*.other{i}.example"), &psl).unwrap())
            .collect();
        let many = OriginMatcher::new(patterns.iter().chain(&extra));
        assert!(many.few_wildcards.is_none());
        for m in [&few, &many] {
            let hosts = [
                "login.example.net",
                "a.b.example.net",
                "example.net",
                "evil-example.net",
                "LOGIN.example.net",
                "lo gin.example.net",
                "a..example.net",
                "_.example.net",
                "x.a.example.org",
                "a.example.org",
                "pve.example.com",
                "pve.example.com.",
                "1.2.3.4",
                "[::1]",
                "a:b.example.net",
                "x.example.com",
            ];
            let suffixes = [
                "", ":8443", ":443", ":80", ":0", ":08443", ":65535", ":65536", ":", "/", "/x",
                ":8006", "?q", "#f", ":8443/",
            ];
            for scheme in ["https://", "http://", "HTTPS://", "ftp://", ""] {
                for host in hosts {
                    for suffix in suffixes {
                        let s = format!("{scheme}{host}{suffix}");
                        let read_first = match read(&s) {
                            Ok(Presented::Web(o)) => m.find_web(&o),
                            _ => None,
                        };
                        let unread = m.find_pattern_unread(&s);
                        if unread.is_some() {
                            assert_eq!(
                                unread, read_first,
                                "{s}: the unread path accepted what reading first does not"
                            );
                        }
                        let ordinary = !host.contains(['[', ' ', ':'])
                            && host.bytes().all(|b| !b.is_ascii_uppercase());
                        if ordinary && read_first.is_some() {
                            assert_eq!(unread, read_first, "{s}: the unread path missed a match");
                        }
                    }
                }
            }
        }
    }
}
