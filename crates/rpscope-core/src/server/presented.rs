//! The origin an RP receives in `clientDataJSON.origin`, read without allocating.
//!
//! Clients write the ASCII serialisation of the caller's origin (WebAuthn L3 §5.8.1
//! `CollectedClientData.origin`; HTML §7.1.1 "serialization of an origin"): a
//! lower-case scheme, `://`, a lower-case ASCII host, and a port only when it is
//! not the scheme's default, with no path, not even `/`. Anything else that
//! begins like a web origin is not a serialised origin and is refused here, so
//! the matcher never has to guess at normalisation. Strings that do not begin
//! with `http://` or `https://` are app origins (`android:apk-key-hash:…`),
//! compared exactly.
//!
//! This is a scanner for one canonical form, not a URL parser; a property test
//! holds it to the `url` crate: a web string scans as valid exactly when
//! `Url::parse` gives a tuple origin whose serialisation is the same string.

/// http or https.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443.
    Https,
}

impl Scheme {
    /// The default port.
    pub const fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// `http` or `https`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// A presented origin, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented<'a> {
    /// A serialised web origin.
    Web(WebOrigin<'a>),
    /// Anything else that is not empty: compared exactly against app origins.
    App(&'a str),
}

/// The parts of a serialised web origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebOrigin<'a> {
    /// The scheme.
    pub scheme: Scheme,
    /// The host as written (lower-case ASCII, IPv6 in brackets).
    pub host: &'a str,
    /// The port; the default port when none is written.
    pub port: u16,
    /// `scheme://host`, without the port.
    pub without_port: &'a str,
    /// The whole serialisation.
    pub serialized: &'a str,
}

/// Reads a presented origin; `Err` says why it is not a serialised origin.
///
/// ```
/// use rpscope_core::server::presented::{read, Presented, Scheme};
/// let Ok(Presented::Web(o)) = read("https://login.example.com:8443") else { panic!() };
/// assert_eq!((o.scheme, o.host, o.port), (Scheme::Https, "login.example.com", 8443));
/// assert!(read("https://example.com/").is_err());      // a path, even `/`
/// assert!(read("https://example.com:443").is_err());   // the default port written out
/// assert!(read("https://Example.com").is_err());       // not lower case
/// assert!(matches!(read("android:apk-key-hash:abc"), Ok(Presented::App(_))));
/// ```
pub fn read(s: &str) -> Result<Presented<'_>, &'static str> {
    let (scheme, rest) = if let Some(rest) = s.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = s.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else if s.is_empty() {
        return Err("the origin is empty");
    } else if starts_with_ignore_case(s, "https:") || starts_with_ignore_case(s, "http:") {
        return Err("a web origin is serialised as a lower-case `http://` or `https://` followed by the host");
    } else {
        return Ok(Presented::App(s));
    };
    let scheme_len = s.len() - rest.len();
    let (host, port_text) = split_host_port(rest)?;
    let port = match port_text {
        None => scheme.default_port(),
        Some(p) => {
            let port = parse_port(p)?;
            if port == scheme.default_port() {
                return Err("the scheme's default port is never written in a serialised origin");
            }
            port
        }
    };
    Ok(Presented::Web(WebOrigin {
        scheme,
        host,
        port,
        without_port: &s[..scheme_len + host.len()],
        serialized: s,
    }))
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Splits `host[:port]`, checking the host's characters in one pass.
fn split_host_port(rest: &str) -> Result<(&str, Option<&str>), &'static str> {
    let bytes = rest.as_bytes();
    let host_end = if bytes.first() == Some(&b'[') {
        let close = rest.find(']').ok_or("an IPv6 host lacks its closing `]`")?;
        if !is_canonical_ipv6(&rest[1..close]) {
            return Err("an IPv6 host is serialised as the URL Standard writes it: lower-case hex pieces, the longest zero run compressed, no embedded IPv4");
        }
        close + 1
    } else {
        // Eight bytes at a time while every byte is in the common host alphabet
        // `[a-z0-9.-]` (`:` is not, so this never runs past the host), then byte
        // by byte with the full table up to `:` or the end.
        let mut end = 0;
        while let Some(chunk) = bytes[end..].first_chunk::<8>() {
            if !all_common_host_bytes(u64::from_le_bytes(*chunk)) {
                break;
            }
            end += 8;
        }
        while end < bytes.len() {
            let b = bytes[end];
            if b == b':' {
                break;
            }
            if !HOST_BYTES[usize::from(b)] {
                return Err(refused_host_byte(b));
            }
            end += 1;
        }
        let last_dot = bytes[..end].iter().rposition(|&b| b == b'.');
        if end == 0 {
            return Err("the host is empty");
        }
        // The URL Standard's "ends in a number" test looks at the last label (the
        // one before a trailing dot). Only a label starting with a digit can be a
        // number (`0x…` included), so most hosts need no further look.
        let label_start = match last_dot {
            Some(d) if d + 1 == end => bytes[..d]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |i| i + 1),
            Some(d) => d + 1,
            None => 0,
        };
        // A punycode label must decode as IDNA says, as the URL parser checks
        // (`xn--a` is refused). Only hosts with such a label pay for this.
        if contains_punycode_label(&bytes[..end]) && !is_valid_idna(&rest[..end]) {
            return Err("a host with an `xn--` label must be valid punycode (IDNA)");
        }
        if bytes[label_start].is_ascii_digit() {
            let host = &rest[..end];
            if ends_in_a_number(host) && !is_canonical_ipv4(host) {
                return Err("a host ending in a number is an IPv4 address, serialised as four decimal parts");
            }
        }
        end
    };
    match &rest[host_end..] {
        "" => Ok((&rest[..host_end], None)),
        after => match after.strip_prefix(':') {
            Some(port) => Ok((&rest[..host_end], Some(port))),
            None => {
                Err("a serialised origin has no path, query or fragment (not even a trailing `/`)")
            }
        },
    }
}

#[cold]
fn refused_host_byte(b: u8) -> &'static str {
    match b {
        b'/' | b'?' | b'#' => {
            "a serialised origin has no path, query or fragment (not even a trailing `/`)"
        }
        b'@' => "a serialised origin has no userinfo",
        b'A'..=b'Z' => "the host must be lower case",
        0x80..=0xFF => "the host must be ASCII (IDNA applied, `xn--` labels)",
        _ => "the host contains a character no serialised host has",
    }
}

/// Bytes the URL Standard's host serialiser leaves as they are in a domain: lower-case
/// ASCII letters, digits, and the ASCII punctuation that is neither a forbidden
/// domain code point nor changed by IDNA (measured against the `url` crate for
/// every printable ASCII byte; see the `agrees_with_the_url_crate` test).
pub(crate) const HOST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || matches!(
                c,
                b'!' | b'"'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b';'
                    | b'='
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'}'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// Whether all eight bytes of `word` are in `[a-z0-9.-]` (SWAR: for an ASCII byte
/// `x`, `x + 0x80 - lo` has its high bit set exactly when `x >= lo`).
fn all_common_host_bytes(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let in_range = |lo: u8, hi: u8| {
        let at_least_lo = word.wrapping_add(ONES * u64::from(0x80 - lo));
        let above_hi = word.wrapping_add(ONES * u64::from(0x7f - hi));
        at_least_lo & !above_hi
    };
    let ascii = word & HIGH == 0;
    let common = in_range(b'a', b'z') | in_range(b'0', b'9') | in_range(b'-', b'.');
    ascii && common & HIGH == HIGH
}

/// Whether a label of the host starts with `xn--`.
pub(crate) fn contains_punycode_label(host: &[u8]) -> bool {
    host.split(|&b| b == b'.')
        .any(|label| label.starts_with(b"xn--"))
}

/// Whether an ASCII host is already what IDNA's ToASCII (with the URL deny list)
/// gives for it.
fn is_valid_idna(host: &str) -> bool {
    matches!(idna::domain_to_ascii_cow(host.as_bytes(), idna::AsciiDenyList::URL), Ok(ascii) if ascii == host)
}

/// Whether `inner` (between the brackets) is the URL Standard's serialisation of
/// an IPv6 address (URL §3.7 "IPv6 serializer"), checked without allocating.
fn is_canonical_ipv6(inner: &str) -> bool {
    let Ok(addr) = inner.parse::<std::net::Ipv6Addr>() else {
        return false;
    };
    let pieces = addr.segments();
    // The first longest run of two or more zero pieces is compressed.
    let (mut best, mut best_len, mut i) = (None, 1, 0);
    while i < 8 {
        let run = pieces[i..].iter().take_while(|&&p| p == 0).count();
        if run > best_len {
            (best, best_len) = (Some(i), run);
        }
        i += run.max(1);
    }
    let mut out = StackText::default();
    let mut i = 0;
    while i < 8 {
        if best == Some(i) {
            out.push(if i == 0 { b"::" } else { b":" });
            i += best_len;
            continue;
        }
        out.push_hex(pieces[i]);
        if i < 7 {
            out.push(b":");
        }
        i += 1;
    }
    out.bytes() == inner.as_bytes()
}

/// A tiny fixed buffer for serialising an IPv6 address (at most 39 bytes).
struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            buf: [0; 40],
            len: 0,
        }
    }
}

impl StackText {
    fn push(&mut self, s: &[u8]) {
        for &b in s {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }

    fn push_hex(&mut self, piece: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let nibble = usize::from((piece >> shift) & 0xf);
            if nibble != 0 || started || shift == 0 {
                started = true;
                self.push(&HEX[nibble..=nibble]);
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// URL Standard "ends in a number checker": the last label (a trailing empty one
/// aside) is all digits, or `0x`/`0X` followed by hex digits.
fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `a.b.c.d`, each 0 to 255 in decimal without leading zeros: the IPv4 serialiser's output.
fn is_canonical_ipv4(host: &str) -> bool {
    let mut parts = 0;
    for part in host.split('.') {
        parts += 1;
        let canonical = !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !canonical {
            return false;
        }
    }
    parts == 4
}

fn parse_port(p: &str) -> Result<u16, &'static str> {
    if p.is_empty() {
        return Err("a `:` must be followed by a port");
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port must be decimal digits (and nothing may follow it)");
    }
    if p.len() > 1 && p.starts_with('0') {
        return Err("a serialised port has no leading zeros");
    }
    p.parse::<u16>()
        .map_err(|_| "the port is larger than 65535")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(s: &str) -> WebOrigin<'_> {
        match read(s) {
            Ok(Presented::Web(o)) => o,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn canonical_forms() {
        let o = web("https://example.com");
        assert_eq!(
            (o.host, o.port, o.without_port),
            ("example.com", 443, "https://example.com")
        );
        let o = web("http://localhost:3000");
        assert_eq!(
            (o.scheme, o.host, o.port, o.without_port),
            (Scheme::Http, "localhost", 3000, "http://localhost")
        );
        let o = web("https://[::1]:8443");
        assert_eq!((o.host, o.port), ("[::1]", 8443));
        assert_eq!(web("https://example.com.").host, "example.com.");
        assert_eq!(web("https://xn--bcher-kva.example:0").port, 0);
    }

    #[test]
    fn non_canonical_web_origins_are_refused() {
        for s in [
            "",
            "https://",
            "https://example.com/",
            "https://example.com/path",
            "https://example.com?q",
            "https://example.com#f",
            "https://user@example.com",
            "https://EXAMPLE.com",
            "HTTPS://example.com",
            "Https://example.com",
            "https://bücher.example",
            "https://example.com:443",
            "http://example.com:80",
            "https://example.com:",
            "https://example.com:08443",
            "https://example.com:65536",
            "https://example.com:1a",
            "https://exa mple.com",
            "https://[::1",
            "https://[::G]",
            "https:example.com",
            "http:/example.com",
            "https://0x7f.1",
            "https://1.2.3",
            "https://127.000.0.1",
            "https://1.2.3.4.",
            "https://example.1",
        ] {
            assert!(read(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn swar_alphabet_test_agrees_with_the_table() {
        for b in 0u8..=255 {
            let word = u64::from_le_bytes([b'a', b'0', b'-', b'.', b'z', b'9', b'm', b]);
            let common = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.';
            assert_eq!(all_common_host_bytes(word), common, "byte {b:#x}");
        }
    }

    #[test]
    fn other_strings_are_app_origins() {
        for s in [
            "android:apk-key-hash:abc_-",
            "ios:bundle-id:com.example.app",
            "ftp://example.com",
            "null",
        ] {
            assert_eq!(read(s), Ok(Presented::App(s)));
        }
    }

    /// The scanner agrees with the URL Standard (the `url` crate) on a spread of inputs,
    /// including every printable ASCII byte inside a host.
    #[test]
    fn agrees_with_the_url_crate() {
        let hosts: Vec<String> = (0x20u8..0x7f)
            .map(|b| format!("https://a{}b.com", b as char))
            .collect();
        for s in hosts.iter().map(String::as_str).chain([
            "https://example.com",
            "https://example.com/",
            "https://EXAMPLE.com",
            "https://example.com:443",
            "https://example.com:8443",
            "http://localhost:3000",
            "https://[::1]",
            "https://[::1]:8443",
            "https://127.0.0.1",
            "https://0x7f.1",
            "https://a_b.example",
            "https://example.com.",
            "https://xn--bcher-kva.example",
            "https://bücher.example",
            "https://example.com:0",
            "https://ex%41mple.com",
            "https://1.2.3",
            "https://127.0.0.1.",
            "https://256.1.1.1",
            "https://example.0x",
            "https://example.0x1g",
            "https://a.09",
            // Found by replaying fuzz seeds: the URL serialiser never writes an embedded IPv4.
            "http://[::ffff:127.0.0.1]",
            "https://[::ffff:7f00:1]",
            "https://[0:0:0:0:0:0:0:1]",
            "https://[2001:db8::1:0:0:1]",
            "https://[2001:db8:0:0:1:0:0:1]",
            "https://[::]",
            "https://[1::]",
            "https://[::1:0:0:0:0:0:0]",
            "https://[1:0:1:0:1:0:1:0]",
            "https://xn--a.example.com",
            "https://xn--bcher-kva.example",
            "https://a.xn--bcher-kva.xn--zz",
            "https://xn--.example",
        ]) {
            let url_says = url::Url::parse(s)
                .ok()
                .map(|u| u.origin().ascii_serialization())
                .is_some_and(|o| o == s);
            assert_eq!(matches!(read(s), Ok(Presented::Web(_))), url_says, "{s}");
        }
    }
}
