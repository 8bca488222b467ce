//! # rpscope-oracles
//!
//! What each fuzz target checks, as plain functions over bytes: the cargo-fuzz
//! targets in `fuzz/` call them, and `tests/replay.rs` runs them over every seed
//! (`corpus/fuzz/<target>/`) and every minimised crash (`fuzz/regressions/<target>/`)
//! in ordinary `cargo test`. An oracle panics when an invariant breaks; any other
//! panic inside the code under test is a bug too.
//!
//! Input formats are line-based where seeds come from the conformance corpus, so
//! a seed is readable and a crash is a paste-ready reproducer.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod reference;

use arbitrary::{Arbitrary, Unstructured};
use reference::naive_verify;
use rpscope_core::client::{
    check, validate_related_origins, CallerOrigin, ClientRequest, WellKnownResponse,
};
use rpscope_core::profile::LeadingDotRpId;
use rpscope_core::server::presented::{read, Presented};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, verify_or_refuse, Policy, ServerRequest};
use rpscope_core::{Profile, PslSnapshots, PublicSuffixList, Reason, Verdict};
use rpscope_model::{ClientQuestion, WellKnown};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// An oracle: checks one input, panicking when an invariant breaks.
pub type Oracle = fn(&[u8]);

/// Every fuzz target, by name.
pub const TARGETS: &[(&str, Oracle)] = &[
    ("origin_parse", origin_parse),
    ("client_check", client_check),
    ("related_origins", related_origins),
    ("policy_compile", policy_compile),
    ("matcher_differential", matcher_differential),
    ("batch_jsonl", batch_jsonl),
];

fn lists() -> &'static PslSnapshots {
    static LISTS: OnceLock<PslSnapshots> = OnceLock::new();
    LISTS.get_or_init(PslSnapshots::builtin)
}

/// The current list (what server-side checks and profile-free invariants use).
fn psl() -> &'static PublicSuffixList {
    lists().current()
}

/// `origin_parse`: one string. The server-side scanner accepts a web string
/// exactly when the URL parser gives a tuple origin that serialises back to it;
/// a caller origin round-trips through its serialisation under every profile.
pub fn origin_parse(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http:") || lower.starts_with("https:") {
        let url_says = url::Url::parse(s)
            .ok()
            .is_some_and(|u| u.origin().ascii_serialization() == s);
        let scanner_says = matches!(read(s), Ok(Presented::Web(_)));
        assert_eq!(
            scanner_says, url_says,
            "scanner and URL parser disagree on {s:?}"
        );
    }
    for profile in Profile::ALL {
        if let Ok(caller) = CallerOrigin::parse(s, profile) {
            let serialised = caller.serialize();
            let again = CallerOrigin::parse(&serialised, profile)
                .expect("a serialised caller origin parses again");
            assert_eq!(again, caller, "{s:?} → {serialised:?}");
        }
    }
}

/// `client_check`: a [`ClientQuestion`] in its line form. Never panics;
/// the reason fixes the verdict; an explanation is always rendered; a local
/// accept names the caller's host or a dot-boundary suffix of it that is not a
/// public suffix of the profile's list (for Chromium, a `.`-led suffix), never an IP; a related-origins accept lists the caller.
pub fn client_check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = ClientQuestion::from_lines(text);
    let profile = Profile::get(input.profile);
    let request = ClientRequest::new(
        &input.origin,
        input.rp_id.as_deref(),
        input.well_known.as_ref(),
    );
    let v = check(&request, profile, lists().for_profile(profile));
    assert_eq!(v.verdict(), v.reason().verdict());
    assert!(!v.explanation().to_string().is_empty());
    if v.verdict() != Verdict::Accept {
        return;
    }
    let rp = v.rp_id().expect("an accept names its RP ID");
    if v.reason() == Reason::RelatedOriginsMatch {
        return;
    }
    assert!(
        url::Host::parse(rp).is_ok_and(|h| matches!(h, url::Host::Domain(_))),
        "accepted a non-domain RP ID {rp:?}"
    );
    let host = v.caller_host().expect("an accept has a caller host");
    let trimmed = host
        .strip_suffix('.')
        .filter(|_| !rp.ends_with('.'))
        .unwrap_or(host);
    // A profile that matches `.example.com` against subdomains (Chromium's
    // `url::DomainIs`) has the boundary dot inside the RP ID itself.
    let dot_inside =
        rp.starts_with('.') && profile.leading_dot_rp_id == LeadingDotRpId::MatchesSubdomains;
    let suffix = rp == trimmed
        || (trimmed.len() > rp.len()
            && trimmed.ends_with(rp)
            && (dot_inside || trimmed.as_bytes()[trimmed.len() - rp.len() - 1] == b'.'));
    assert!(rp == host || suffix, "accepted {rp} for {host}");
    if rp != host {
        // Under the list the profile decides with: a browser profile's snapshot may
        // lack a rule the current list has (data/psl/snapshots.toml).
        assert_ne!(
            lists().for_profile(profile).public_suffix(rp),
            Some(rp),
            "accepted the public suffix {rp} for {host}"
        );
    }
}

/// `related_origins`: a [`ClientQuestion`] in its line form (a question without a
/// response gets an empty JSON one). Never panics; a match names a string entry whose
/// origin is the caller's.
pub fn related_origins(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = ClientQuestion::from_lines(text);
    let Ok(url) = url::Url::parse(&input.origin) else {
        return;
    };
    let caller = url.origin();
    let empty = WellKnown {
        status: 200,
        content_type: "application/json".into(),
        ..WellKnown::default()
    };
    let response = WellKnownResponse::from(input.well_known.as_ref().unwrap_or(&empty));
    let profile = Profile::get(input.profile);
    let lists = lists().for_profile(profile);
    if let Ok(index) = validate_related_origins(&caller, &response, &profile.related_origins, lists)
    {
        let body = response
            .body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(response.body);
        let doc: serde_json::Value =
            serde_json::from_slice(body).expect("a matching document is JSON");
        let entry = doc["origins"][index]
            .as_str()
            .expect("the matching entry is a string");
        assert_eq!(
            url::Url::parse(entry)
                .expect("the matching entry parses")
                .origin(),
            caller
        );
    }
}

/// `policy_compile`: a policy as JSON. Never panics; normal forms are fixed
/// points; every exact or app pattern admits its own normal form.
pub fn policy_compile(data: &[u8]) {
    let Ok(policy) = serde_json::from_slice::<Policy>(data) else {
        return;
    };
    let Ok(compiled) = policy.compile(psl()) else {
        return;
    };
    let normal: Vec<String> = compiled.patterns().iter().map(|p| p.to_string()).collect();
    let again = Policy {
        origins: normal.clone(),
        ..policy.clone()
    }
    .compile(psl())
    .expect("normal forms compile");
    let twice: Vec<String> = again.patterns().iter().map(|p| p.to_string()).collect();
    assert_eq!(normal, twice, "normal forms are not fixed points");
    for text in normal.iter().filter(|t| !t.contains('*')) {
        let v = verify(
            &compiled,
            &ServerRequest {
                origin: text,
                ..ServerRequest::default()
            },
        );
        assert_eq!(
            v.reason(),
            Reason::OriginMatch,
            "`{text}` is not admitted by its own policy"
        );
    }
}

const HOSTS: [&str; 8] = [
    "example.com",
    "login.example.com",
    "a.b.example.com",
    "example.net",
    "evil-example.com",
    "pve.lan",
    "xn--bcher-kva.example",
    "EXAMPLE.com",
];
const PORTS: [&str; 7] = ["", ":443", ":80", ":8006", ":0", ":*", ":08006"];
const PREFIXES: [&str; 5] = ["", "x.", "a.b.", "evil-", "*."];
const SUFFIXES: [&str; 4] = ["", "/", "/path", "."];

/// A generated origin or pattern over a small alphabet, or raw text.
#[derive(Debug, Arbitrary)]
pub struct GeneratedOrigin {
    https: bool,
    prefix: u8,
    host: u8,
    port: u8,
    suffix: u8,
    raw: Option<String>,
}

impl GeneratedOrigin {
    fn text(&self) -> String {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let pick = |list: &[&'static str], i: u8| list[usize::from(i) % list.len()];
        let scheme = if self.https { "https" } else { "http" };
        format!(
            "{scheme}://{}{}{}{}",
            pick(&PREFIXES, self.prefix),
            pick(&HOSTS, self.host),
            pick(&PORTS, self.port),
            pick(&SUFFIXES, self.suffix)
        )
    }
}

/// The structured input of `matcher_differential`.
#[derive(Debug, Arbitrary)]
pub struct DifferentialInput {
    origins: Vec<GeneratedOrigin>,
    top_origins: Vec<GeneratedOrigin>,
    allow_cross_origin: bool,
    presented: GeneratedOrigin,
    cross_origin: Option<bool>,
    top_origin: Option<GeneratedOrigin>,
    hash_of: Option<u8>,
}

/// `matcher_differential`: structured (`#[derive(Arbitrary)]`) policies and
/// requests; the compiled matcher and the naive reference give the same reason.
pub fn matcher_differential(data: &[u8]) {
    let Ok(input) = DifferentialInput::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let policy = Policy {
        rp_ids: vec!["example.com".into(), "example.net".into()],
        origins: input
            .origins
            .iter()
            .take(16)
            .map(GeneratedOrigin::text)
            .collect(),
        allow_cross_origin: input.allow_cross_origin,
        top_origins: input
            .top_origins
            .iter()
            .take(4)
            .map(GeneratedOrigin::text)
            .collect(),
    };
    let origin = input.presented.text();
    let top = input.top_origin.as_ref().map(GeneratedOrigin::text);
    let hash = input.hash_of.map(|i| {
        Sha256::digest(["example.com", "example.net", "EXAMPLE.com"][usize::from(i) % 3].as_bytes())
            .to_vec()
    });
    let request = ServerRequest {
        origin: &origin,
        cross_origin: input.cross_origin,
        top_origin: top.as_deref(),
        rp_id_hash: hash.as_deref(),
    };
    let compiled = policy.compile(psl());
    let fast = verify_or_refuse(&compiled, &request).reason();
    assert_eq!(
        fast,
        naive_verify(&policy, &request, psl()),
        "{policy:?} {request:?}"
    );
}

/// `batch_jsonl`: any bytes as JSON Lines. Both batch readers answer every input
/// line with exactly one JSON line, and never panic.
pub fn batch_jsonl(data: &[u8]) {
    use rpscope_batch::{check, jsonl, verify as verify_cmd};
    let lines =
        data.split(|&b| b == b'\n').count() - usize::from(data.ends_with(b"\n") || data.is_empty());
    let mut out = Vec::new();
    let tally = jsonl::run(data, &mut out, |text, answer| {
        check::handle_line(text, lists(), answer)
    })
    .expect("in-memory I/O cannot fail");
    assert_eq!(tally.lines as usize, lines);
    let text = std::str::from_utf8(&out).expect("output is UTF-8");
    assert_eq!(text.lines().count(), lines);
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every output line is JSON");
    }
    let mut cache = verify_cmd::PolicyCache::default();
    let mut out = Vec::new();
    jsonl::run(data, &mut out, |text, answer| {
        verify_cmd::handle_line(text, lists(), &mut cache, answer)
    })
    .expect("in-memory I/O cannot fail");
    assert_eq!(
        std::str::from_utf8(&out)
            .expect("output is UTF-8")
            .lines()
            .count(),
        lines
    );
}
