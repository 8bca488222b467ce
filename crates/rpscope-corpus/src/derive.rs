//! Adversarial cases derived from an RP's own policy (`--policy my-rp.toml`).
//!
//! For every origin the policy admits, rpscope writes the presentations that
//! break real deployments and libraries: a sibling subdomain, dot-boundary
//! look-alikes (`evil-example.com`), a suffix extension (`example.com.evil.com`),
//! the parent domain, a scheme downgrade, another port, a trailing dot, spellings
//! a browser never sends (case, trailing slash, written default port), and for
//! app origins a one-character change and a case change. Then the ceremony-level
//! probes: `crossOrigin` where the policy forbids it, a foreign `topOrigin`, and
//! an `rpIdHash` for an RP ID the policy does not list.
//!
//! **The verdict each case must get** is the policy's own meaning, decided by
//! rpscope's verifier (its semantics are what the hand-reviewed `server-*`
//! topics pin): accept or reject. One rule turns a reject into `acceptable`,
//! the same the reviewed corpus uses (`server-exact::presented-upper-case-host`):
//! a string that is no serialised origin, but that a URL parser reduces to an
//! origin the policy admits, may be normalised and accepted, since nothing but
//! the allowed origin is admitted either way.

use crate::case::{Outcome, ServerCase, ServerTopic};
use rpscope_core::server::pattern::{Pattern, PortRule};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, Policy, PolicyError, ServerRequest};
use rpscope_core::{PublicSuffixList, Reason, Verdict};
use sha2::Digest as _;

/// One presentation to derive, before its verdict is known.
struct Probe {
    name: String,
    description: String,
    origin: String,
    cross_origin: Option<bool>,
    top_origin: Option<String>,
    rp_id_hash_of: Option<String>,
    flags: &'static [&'static str],
}

/// The derived cases, as a topic named `policy` (ids `policy::<name>`).
///
/// ```
/// use rpscope_core::server::Policy;
/// use rpscope_core::PublicSuffixList;
/// use rpscope_corpus::Outcome;
/// let psl = PublicSuffixList::vendored();
/// let policy = Policy {
///     rp_ids: vec!["example.com".into()],
///     origins: vec!["https://login.example.com".into()],
///     ..Policy::default()
/// };
/// let topic = rpscope_corpus::derive::derive(&policy, "my-rp.toml", &psl).unwrap();
/// let case = |o: &str| topic.cases.iter().find(|c| c.origin == o).unwrap().expected;
/// assert_eq!(case("https://login.example.com"), Outcome::Accept);
/// assert_eq!(case("https://login.example.com.evil.com"), Outcome::Reject);
/// assert_eq!(case("http://login.example.com"), Outcome::Reject);
/// assert_eq!(case("https://LOGIN.EXAMPLE.COM"), Outcome::Acceptable);
/// ```
pub fn derive(
    policy: &Policy,
    source: &str,
    psl: &PublicSuffixList,
) -> Result<ServerTopic, PolicyError> {
    let compiled = policy.compile(psl)?;
    let mut probes = Vec::new();
    for (index, text) in policy.origins.iter().enumerate() {
        let Ok(pattern) = Pattern::parse(text, psl) else {
            continue; // compile() accepted the policy, so this does not happen
        };
        origin_probes(&mut probes, index, text, &pattern, psl);
    }
    ceremony_probes(&mut probes, policy, psl);

    let mut cases: Vec<ServerCase> = Vec::new();
    for probe in probes {
        let duplicate = cases.iter().any(|c| {
            c.origin == probe.origin
                && c.cross_origin == probe.cross_origin
                && c.top_origin == probe.top_origin
                && c.rp_id_hash_of == probe.rp_id_hash_of
        });
        if duplicate {
            continue;
        }
        let hash = probe
            .rp_id_hash_of
            .as_deref()
            .map(|s| <[u8; 32]>::from(sha2::Sha256::digest(s.as_bytes())));
        let request = ServerRequest {
            origin: &probe.origin,
            cross_origin: probe.cross_origin,
            top_origin: probe.top_origin.as_deref(),
            rp_id_hash: hash.as_ref().map(|h| &h[..]),
        };
        let verdict = verify(&compiled, &request);
        let (expected, reason, note) = match (verdict.verdict(), verdict.reason()) {
            (Verdict::Reject, Reason::InvalidOrigin) if denotes_admitted(&probe, &compiled) => (
                Outcome::Acceptable,
                None,
                Some(format!(
                    "`{}` is not how a browser serialises an origin, but it reduces to one the \
                     policy admits; refusing it ({}) and normalising it (accept) both admit \
                     nothing else.",
                    probe.origin,
                    verdict.explanation()
                )),
            ),
            (v, r) => (
                if v == Verdict::Accept {
                    Outcome::Accept
                } else {
                    Outcome::Reject
                },
                Some(r),
                Some(verdict.explanation().to_string()),
            ),
        };
        cases.push(ServerCase {
            id: format!("policy::{}", probe.name),
            description: probe.description,
            source: vec![
                format!("derived by rpscope from the policy in {source}"),
                "WebAuthn L3 §7.1 step 9 / §7.2 step 13 and §13.4.9 (origin validation)".into(),
            ],
            policy: policy.clone(),
            origin: probe.origin,
            cross_origin: probe.cross_origin,
            top_origin: probe.top_origin,
            rp_id_hash_of: probe.rp_id_hash_of,
            rp_id_hash: None,
            flags: probe.flags.iter().map(|f| f.to_string()).collect(),
            expected,
            reason,
            note,
        });
    }
    Ok(ServerTopic {
        description: format!("Adversarial presentations derived from the policy in {source}."),
        cases,
    })
}

/// Whether a URL parser reduces the probe's origin to one the policy admits.
fn denotes_admitted(probe: &Probe, compiled: &rpscope_core::server::CompiledPolicy) -> bool {
    let Ok(url) = url::Url::parse(&probe.origin) else {
        return false;
    };
    let origin = url.origin();
    if !origin.is_tuple() {
        return false;
    }
    let normal = origin.ascii_serialization();
    normal != probe.origin
        && verify(
            compiled,
            &ServerRequest {
                origin: &normal,
                cross_origin: probe.cross_origin,
                top_origin: probe.top_origin.as_deref(),
                rp_id_hash: None,
            },
        )
        .verdict()
            == Verdict::Accept
}

fn origin_probes(
    probes: &mut Vec<Probe>,
    index: usize,
    text: &str,
    pattern: &Pattern,
    psl: &PublicSuffixList,
) {
    let n = index + 1;
    let mut add = |kind: &str, what: String, origin: String, flags: &'static [&'static str]| {
        probes.push(Probe {
            name: format!("origin-{n}-{kind}"),
            description: format!("Policy origin #{n} `{text}`: {what}."),
            origin,
            cross_origin: None,
            top_origin: None,
            rp_id_hash_of: None,
            flags,
        });
    };
    let (scheme, host, port, subdomains) = match pattern {
        Pattern::App(app) => {
            add(
                "as-written",
                "the app origin exactly as listed".into(),
                app.clone(),
                &[],
            );
            add(
                "one-character-changed",
                "the app origin with its last character changed (another app's signing key)".into(),
                change_last_char(app),
                &["security-critical"],
            );
            if app.to_ascii_uppercase() != *app {
                add(
                    "case-changed",
                    "the app origin in upper case (app origins compare exactly)".into(),
                    app.to_ascii_uppercase(),
                    &["case"],
                );
            }
            return;
        }
        Pattern::Web {
            scheme,
            host,
            port,
            subdomains,
        } => (*scheme, host.as_str(), *port, *subdomains),
    };
    let default = scheme.default_port();
    let (port_suffix, other_port) = match port {
        PortRule::Is(p) if p == default => (String::new(), Some(8443)),
        PortRule::Is(p) => (format!(":{p}"), Some(p.wrapping_add(1).max(1))),
        PortRule::Any => (String::new(), None),
    };
    let s = scheme.as_str();
    // The host a browser would present for this pattern.
    let shown = if subdomains {
        format!("login.{host}")
    } else {
        host.to_owned()
    };
    let base = format!("{s}://{shown}{port_suffix}");
    add(
        "admitted",
        "an origin the pattern admits, as a browser serialises it".into(),
        base.clone(),
        &[],
    );
    let is_domain = !host.starts_with('[') && host.parse::<std::net::Ipv4Addr>().is_err();
    if is_domain {
        add(
            "sibling-subdomain",
            "another subdomain beside the admitted host".into(),
            format!("{s}://evil.{shown}{port_suffix}"),
            &["security-critical"],
        );
        add(
            "dot-boundary-hyphen",
            "a look-alike that shares the host's last characters but not a label boundary".into(),
            format!("{s}://evil-{shown}{port_suffix}"),
            &["dot-boundary", "security-critical"],
        );
        add(
            "dot-boundary-prefix",
            "a look-alike with letters glued to the front of the host".into(),
            format!("{s}://evil{shown}{port_suffix}"),
            &["dot-boundary", "security-critical"],
        );
        add(
            "suffix-extension",
            "the admitted host followed by an attacker's domain".into(),
            format!("{s}://{shown}.evil.com{port_suffix}"),
            &["dot-boundary", "security-critical"],
        );
        if let Some(parent) = psl.registrable_domain(host) {
            if parent != shown {
                add(
                    "registrable-domain",
                    "the registrable domain above the admitted host".into(),
                    format!("{s}://{parent}{port_suffix}"),
                    &[],
                );
            }
        }
        if subdomains {
            add(
                "apex",
                "the apex a `*.` pattern does not admit".into(),
                format!("{s}://{host}{port_suffix}"),
                &[],
            );
        }
        add(
            "trailing-dot",
            "the fully qualified spelling with a trailing dot (another host to the URL parser)"
                .into(),
            format!("{s}://{shown}.{port_suffix}"),
            &["trailing-dot"],
        );
        add(
            "upper-case-host",
            "the host in upper case, which no browser sends".into(),
            format!("{s}://{}{port_suffix}", shown.to_ascii_uppercase()),
            &["case"],
        );
    }
    let (other_scheme, other_default) = match s {
        "https" => ("http", 80),
        _ => ("https", 443),
    };
    let downgrade_port = match port {
        PortRule::Is(p) if p != default && p != other_default => format!(":{p}"),
        _ => String::new(),
    };
    add(
        if s == "https" {
            "scheme-downgrade"
        } else {
            "other-scheme"
        },
        format!("the same host over {other_scheme}"),
        format!("{other_scheme}://{shown}{downgrade_port}"),
        &["scheme", "security-critical"],
    );
    if let Some(p) = other_port {
        add(
            "other-port",
            format!("the same host on port {p}"),
            format!("{s}://{shown}:{p}"),
            &["port"],
        );
    }
    add(
        "trailing-slash",
        "the admitted origin with a trailing `/`, which no browser sends".into(),
        format!("{base}/"),
        &[],
    );
    if port_suffix.is_empty() {
        add(
            "default-port-written",
            format!("the admitted origin with the default port `:{default}` written out"),
            format!("{s}://{shown}:{default}"),
            &["port"],
        );
    }
}

fn ceremony_probes(probes: &mut Vec<Probe>, policy: &Policy, psl: &PublicSuffixList) {
    // A presentation the policy admits, to vary the ceremony fields around.
    let Some(admitted) = probes
        .iter()
        .find(|p| p.name.ends_with("-admitted") || p.name.ends_with("-as-written"))
        .map(|p| p.origin.clone())
    else {
        return;
    };
    let mut add = |name: &str, description: &str, f: &dyn Fn(&mut Probe)| {
        let mut probe = Probe {
            name: name.into(),
            description: description.into(),
            origin: admitted.clone(),
            cross_origin: None,
            top_origin: None,
            rp_id_hash_of: None,
            flags: &[],
        };
        f(&mut probe);
        probes.push(probe);
    };
    add(
        "cross-origin-true",
        "an admitted origin in a cross-origin frame, with a foreign top-level page",
        &|p| {
            p.cross_origin = Some(true);
            p.top_origin = Some("https://framing-site.example".into());
            p.flags = &["security-critical"];
        },
    );
    for (i, rp_id) in policy.rp_ids.iter().enumerate() {
        let n = i + 1;
        let what = format!("an admitted origin with the rpIdHash of RP ID #{n} `{rp_id}`");
        add(&format!("rp-id-{n}-hash"), &what, &|p| {
            p.rp_id_hash_of = Some(rp_id.clone());
        });
    }
    if let Some(rp_id) = policy.rp_ids.first() {
        let registrable = psl.registrable_domain(rp_id).unwrap_or(rp_id);
        add(
            "rp-id-hash-of-other-domain",
            "an admitted origin with the rpIdHash of a look-alike RP ID (a credential scoped elsewhere)",
            &|p| {
                p.rp_id_hash_of = Some(format!("evil-{registrable}"));
                p.flags = &["security-critical"];
            },
        );
        add(
            "rp-id-hash-of-suffix-extension",
            "an admitted origin with the rpIdHash of the RP ID followed by an attacker's domain",
            &|p| {
                p.rp_id_hash_of = Some(format!("{rp_id}.evil.com"));
                p.flags = &["dot-boundary", "security-critical"];
            },
        );
    }
}

/// `app` with its last character replaced by a different one of the same kind.
fn change_last_char(app: &str) -> String {
    let mut chars: Vec<char> = app.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = match *last {
            'a'..='y' | 'A'..='Y' | '0'..='8' => char::from_u32(*last as u32 + 1).unwrap_or('x'),
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            _ => 'x',
        };
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(origins: &[&str]) -> ServerTopic {
        let policy = Policy {
            rp_ids: vec!["example.com".into()],
            origins: origins.iter().map(|s| s.to_string()).collect(),
            ..Policy::default()
        };
        derive(&policy, "test.toml", &PublicSuffixList::vendored()).unwrap()
    }

    fn expected(t: &ServerTopic, origin: &str) -> Outcome {
        t.cases
            .iter()
            .find(|c| c.origin == origin && c.cross_origin.is_none() && c.rp_id_hash_of.is_none())
            .unwrap_or_else(|| panic!("no case for {origin}"))
            .expected
    }

    #[test]
    fn the_attacks_on_an_exact_origin_are_rejected() {
        let t = topic(&["https://example.com"]);
        assert_eq!(expected(&t, "https://example.com"), Outcome::Accept);
        for attack in [
            "https://evil.example.com",
            "https://evil-example.com",
            "https://evilexample.com",
            "https://example.com.evil.com",
            "http://example.com",
            "https://example.com:8443",
            "https://example.com.",
        ] {
            assert_eq!(expected(&t, attack), Outcome::Reject, "{attack}");
        }
        for spelling in [
            "https://EXAMPLE.COM",
            "https://example.com/",
            "https://example.com:443",
        ] {
            assert_eq!(expected(&t, spelling), Outcome::Acceptable, "{spelling}");
        }
    }

    #[test]
    fn a_wildcard_admits_a_subdomain_and_not_the_apex() {
        let t = topic(&["https://*.example.com"]);
        assert_eq!(expected(&t, "https://login.example.com"), Outcome::Accept);
        assert_eq!(
            expected(&t, "https://evil.login.example.com"),
            Outcome::Accept
        );
        assert_eq!(expected(&t, "https://example.com"), Outcome::Reject);
        assert_eq!(
            expected(&t, "https://login.example.com.evil.com"),
            Outcome::Reject
        );
    }

    #[test]
    fn a_port_and_an_any_port_pattern() {
        let t = topic(&["https://pve.example.com:8006"]);
        assert_eq!(
            expected(&t, "https://pve.example.com:8006"),
            Outcome::Accept
        );
        assert_eq!(
            expected(&t, "https://pve.example.com:8007"),
            Outcome::Reject
        );
        assert_eq!(expected(&t, "http://pve.example.com:8006"), Outcome::Reject);
        let t = topic(&["https://pve.example.com:*"]);
        assert!(t.cases.iter().all(|c| !c.id.ends_with("other-port")));
    }

    #[test]
    fn app_origins_compare_exactly() {
        let t = topic(&["android:apk-key-hash:abc"]);
        assert_eq!(expected(&t, "android:apk-key-hash:abc"), Outcome::Accept);
        assert_eq!(expected(&t, "android:apk-key-hash:abd"), Outcome::Reject);
        assert_eq!(expected(&t, "ANDROID:APK-KEY-HASH:ABC"), Outcome::Reject);
    }

    #[test]
    fn ceremony_probes_and_unique_ids() {
        let t = topic(&["https://example.com", "https://www.example.com"]);
        let by_id = |id: &str| t.cases.iter().find(|c| c.id == id).unwrap();
        assert_eq!(by_id("policy::cross-origin-true").expected, Outcome::Reject);
        assert_eq!(by_id("policy::rp-id-1-hash").expected, Outcome::Accept);
        assert_eq!(
            by_id("policy::rp-id-hash-of-other-domain").expected,
            Outcome::Reject
        );
        let mut ids: Vec<&str> = t.cases.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        // www.example.com's parent is example.com, already derived from origin #1.
        assert!(t
            .cases
            .iter()
            .all(|c| !c.id.ends_with("2-registrable-domain")));
    }

    #[test]
    fn an_invalid_policy_is_an_error() {
        let policy = Policy {
            rp_ids: vec!["example.com".into()],
            origins: vec!["https://*.com".into()],
            ..Policy::default()
        };
        assert!(derive(&policy, "x", &PublicSuffixList::vendored()).is_err());
    }
}
