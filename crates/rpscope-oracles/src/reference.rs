//! A deliberately naive reference verifier: the executable reading of the policy
//! rules, written for obviousness, not speed.
//!
//! It parses the presented origin with the `url` crate, walks every pattern, and
//! compares fields; it allocates freely and costs time in the number of patterns.
//! Property tests (`tests/matcher_properties.rs`) and the `matcher_differential` fuzz
//! target hold `rpscope_core::server::verify` (the compiled, allocation-free matcher) to
//! the same answers.

use rpscope_core::psl::PublicSuffixList;
use rpscope_core::server::pattern::{Pattern, PortRule};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{Policy, ServerRequest};
use rpscope_core::Reason;
use sha2::{Digest, Sha256};

/// A presented origin as plain fields.
enum Parsed {
    Web {
        scheme: String,
        host: String,
        port: u16,
    },
    App(String),
}

/// Reads a presented origin the slow way: a web origin must parse with the URL
/// parser and serialise back to exactly the same string.
fn parse(s: &str) -> Option<Parsed> {
    let lower = s.to_ascii_lowercase();
    if !(lower.starts_with("http:") || lower.starts_with("https:")) {
        return (!s.is_empty()).then(|| Parsed::App(s.to_owned()));
    }
    let url = url::Url::parse(s).ok()?;
    let origin = url.origin();
    if origin.ascii_serialization() != s {
        return None;
    }
    let url::Origin::Tuple(scheme, host, port) = origin else {
        return None;
    };
    Some(Parsed::Web {
        scheme,
        host: host.to_string(),
        port,
    })
}

fn matches(pattern: &Pattern, presented: &Parsed) -> bool {
    match (pattern, presented) {
        (Pattern::App(a), Parsed::App(b)) => a == b,
        (
            Pattern::Web {
                scheme,
                host,
                port,
                subdomains,
            },
            Parsed::Web {
                scheme: s,
                host: h,
                port: p,
            },
        ) => {
            let port_ok = match port {
                PortRule::Any => true,
                PortRule::Is(want) => want == p,
            };
            let host_ok = if *subdomains {
                h.len() > host.len() + 1 && h.ends_with(&format!(".{host}"))
            } else {
                h == host
            };
            scheme.as_str() == s && port_ok && host_ok
        }
        _ => false,
    }
}

fn any_matches(patterns: &[String], presented: &Parsed, psl: &PublicSuffixList) -> bool {
    patterns
        .iter()
        .filter_map(|p| Pattern::parse(p, psl).ok())
        .any(|p| matches(&p, presented))
}

/// The reason the reference reaches for `request` under `policy`.
pub fn naive_verify(
    policy: &Policy,
    request: &ServerRequest<'_>,
    psl: &PublicSuffixList,
) -> Reason {
    if policy.compile(psl).is_err() {
        return Reason::InvalidPolicy;
    }
    let Some(origin) = parse(request.origin) else {
        return Reason::InvalidOrigin;
    };
    if !any_matches(&policy.origins, &origin, psl) {
        return Reason::OriginNotAllowed;
    }
    match (request.cross_origin, request.top_origin) {
        (Some(true), top) => {
            if !policy.allow_cross_origin {
                return Reason::CrossOriginNotAllowed;
            }
            match top.and_then(parse) {
                Some(t @ Parsed::Web { .. }) if any_matches(&policy.top_origins, &t, psl) => {}
                _ => return Reason::TopOriginNotAllowed,
            }
        }
        (_, Some(_)) => return Reason::InconsistentCrossOrigin,
        _ => {}
    }
    if let Some(hash) = request.rp_id_hash {
        if !policy
            .rp_ids
            .iter()
            .any(|id| Sha256::digest(id.as_bytes()).as_slice() == hash)
        {
            return Reason::RpIdHashMismatch;
        }
    }
    Reason::OriginMatch
}
