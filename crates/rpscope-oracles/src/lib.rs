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
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reference::naive_verify;
use rpscope_core::client::{
    check, validate_related_origins, CallerOrigin, ClientRequest, WellKnownResponse,
};
use rpscope_core::mobile::android_origin::{
    android_origin, apk_key_hash_origin, parse_fingerprint, FingerprintError, APK_KEY_HASH_PREFIX,
    MAX_FINGERPRINT_CHARS,
};
use rpscope_core::mobile::{aasa, assetlinks, MobileFile, Problem, Served, MAX_LISTED};
use rpscope_core::profile::LeadingDotRpId;
use rpscope_core::server::presented::{read, Presented};
use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, verify_or_refuse, Policy, ServerRequest};
use rpscope_core::{Profile, PslSnapshots, PublicSuffixList, Reason, Verdict};
use rpscope_model::{ClientQuestion, MobileQuestion, MobileReader, WellKnown};
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
    ("mobile_files", mobile_files),
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

/// `mobile_files`: a [`MobileQuestion`] in its line form (reader, status, content
/// type, declared length, redirects, then the body bytes). The association-file
/// readers face a server's bytes, so beyond never panicking:
///
/// * a body over the file's cap (read or declared) is refused with `TooLarge`
///   and nothing is read from it (no apps, not `readable`);
/// * every derived login origin is `android:apk-key-hash:` and 43 base64url
///   characters, decoding to a fingerprint the file lists;
/// * every listed kind of problem stops at `MAX_LISTED`, with one `Unlisted` for
///   the rest;
/// * every problem has a message and a fix, and reading twice gives the same result;
/// * a fingerprint text parses to the same bytes however it is re-spelt (colon hex,
///   plain hex, lower case) and its origin is well formed.
pub fn mobile_files(data: &[u8]) {
    let q = MobileQuestion::from_lines(data);
    let served = Served {
        status: q.status,
        content_type: &q.content_type,
        body: &q.body,
        redirects: &q.redirects,
        length: q.length,
    };
    let all = q.reader == MobileReader::All;
    if all || q.reader == MobileReader::Assetlinks {
        let file = assetlinks::read(&served);
        assert_eq!(file, assetlinks::read(&served), "two reads differ");
        check_problems(
            MobileFile::AssetLinks,
            &served,
            &file.problems,
            file.readable,
        );
        if file
            .problems
            .iter()
            .any(|p| matches!(p, Problem::TooLarge { .. }))
        {
            assert!(file.apps.is_empty() && file.includes.is_empty());
        }
        let listed: Vec<[u8; 32]> = file
            .apps
            .iter()
            .filter(|a| a.login_creds)
            .flat_map(|a| a.fingerprints.iter().copied())
            .collect();
        let origins: Vec<String> = file.login_origins().collect();
        let unique: std::collections::HashSet<&String> = origins.iter().collect();
        assert_eq!(
            unique.len(),
            origins.len(),
            "a login origin twice: {origins:?}"
        );
        for origin in &origins {
            let fingerprint = check_android_origin(origin);
            assert!(
                listed.contains(&fingerprint),
                "{origin} is no listed fingerprint"
            );
        }
        let fingerprint_problems = file
            .problems
            .iter()
            .filter(|p| matches!(p, Problem::BadFingerprint { .. }))
            .count();
        assert!(fingerprint_problems <= MAX_LISTED);
    }
    if all || q.reader == MobileReader::Aasa {
        let file = aasa::read(&served);
        assert_eq!(file, aasa::read(&served), "two reads differ");
        check_problems(MobileFile::Aasa, &served, &file.problems, file.readable);
        for app in &file.apps {
            assert_eq!(aasa::app_id_problem(app), None, "kept a bad App ID {app:?}");
        }
        let bad = file
            .problems
            .iter()
            .filter(|p| matches!(p, Problem::BadAppId { .. }))
            .count();
        assert!(bad <= MAX_LISTED);
    }
    if all || q.reader == MobileReader::Fingerprint {
        let Ok(text) = std::str::from_utf8(&q.body) else {
            return;
        };
        let parsed = parse_fingerprint(text);
        assert_eq!(
            android_origin(text),
            parsed.clone().map(|fp| apk_key_hash_origin(&fp))
        );
        if text.trim().len() > MAX_FINGERPRINT_CHARS {
            assert_eq!(parsed, Err(FingerprintError::TooLong(text.trim().len())));
        }
        if let Ok(fp) = parsed {
            assert_eq!(check_android_origin(&apk_key_hash_origin(&fp)), fp);
            let plain: String = fp.iter().map(|b| format!("{b:02x}")).collect();
            let colons: Vec<String> = fp.iter().map(|b| format!("{b:02X}")).collect();
            assert_eq!(parse_fingerprint(&plain), Ok(fp));
            assert_eq!(parse_fingerprint(&colons.join(":")), Ok(fp));
        }
    }
}

/// What both readers' problem lists must hold for any response.
fn check_problems(file: MobileFile, served: &Served<'_>, problems: &[Problem], readable: bool) {
    // The cap is checked once the status is 200 (a 3xx after a redirect is not).
    let over = served.status == 200 && served.len() > file.max_bytes() as u64;
    let too_large = problems
        .iter()
        .filter(|p| matches!(p, Problem::TooLarge { .. }))
        .count();
    assert_eq!(
        too_large,
        usize::from(over),
        "TooLarge for {} bytes",
        served.len()
    );
    if over || served.status != 200 {
        assert!(!readable, "read a body that should have been refused");
    }
    if over {
        // Refused from its length alone: no problem about what the body says.
        assert!(
            problems
                .iter()
                .all(|p| matches!(p, Problem::Redirected { .. } | Problem::TooLarge { .. })),
            "{problems:?}"
        );
    }
    let unlisted = problems
        .iter()
        .filter(|p| matches!(p, Problem::Unlisted { .. }))
        .count();
    // Each kind listed is closed by at most one `Unlisted`; assetlinks.json lists
    // two kinds (shapes, fingerprints), apple-app-site-association one (App IDs).
    assert!(unlisted <= 2, "{problems:?}");
    for p in problems {
        assert_eq!(p.file(), file);
        assert!(!p.to_string().is_empty() && !p.fix().is_empty());
        if let Problem::Unlisted { like, count } = p {
            assert!(*count > 0 && !matches!(**like, Problem::Unlisted { .. }));
        }
    }
    // At most four response problems (redirect, status or size or HTML or JSON,
    // content type), then the listed kinds and the file-level ones.
    assert!(
        problems.len() <= 2 * (MAX_LISTED + 1) + 6,
        "{} problems",
        problems.len()
    );
}

/// The fingerprint an `android:apk-key-hash:` origin encodes; panics unless the
/// origin is the prefix and 43 base64url characters.
fn check_android_origin(origin: &str) -> [u8; 32] {
    let hash = origin
        .strip_prefix(APK_KEY_HASH_PREFIX)
        .unwrap_or_else(|| panic!("{origin} lacks the prefix"));
    assert_eq!(hash.len(), 43, "{origin}");
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{origin} is not base64url"
    );
    let bytes = URL_SAFE_NO_PAD
        .decode(hash)
        .unwrap_or_else(|e| panic!("{origin}: {e}"));
    <[u8; 32]>::try_from(bytes.as_slice()).expect("43 base64url characters are 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile responses the seeds are too small to carry hold the `mobile_files`
    /// invariants: over-cap bodies, long problem lists, headers that are not UTF-8.
    #[test]
    fn mobile_files_holds_on_hostile_responses() {
        let fp = "\"F0:D0:46:D0:BD:07:D1:15:2C:F3:65:16:FF:21:AB:11:5C:D8:D7:00:93:F3:B4:42:35:A6:AD:7F:11:5E:29:E1\"";
        let bad: Vec<String> = (0..1000).map(|i| format!("\"{i:02X}:00\"")).collect();
        let statement = format!(
            r#"{{"relation": ["delegate_permission/common.get_login_creds"], "target": {{"namespace": "android_app", "package_name": "p", "sha256_cert_fingerprints": [{fp}, {}, {fp}]}}}}"#,
            bad.join(",")
        );
        let many_statements = vec![statement.as_str(); 40].join(",");
        let bad_shapes = vec!["7"; 500].join(",");
        let bad_apps = vec!["\"no team id\""; 500].join(",");
        let inputs: Vec<Vec<u8>> = vec![
            format!("assetlinks\n200\napplication/json\n\n\n[{many_statements},{bad_shapes}]").into_bytes(),
            format!("aasa\n200\napplication/json\n\n\n{{\"webcredentials\": {{\"apps\": [{bad_apps}, 7]}}}}").into_bytes(),
            format!("all\n200\napplication/json\n\n\n{}", " ".repeat((128 << 10) + 1)).into_bytes(),
            b"all\n200\n\xff\xfe\n1073741824\nhttps://a.example https://b.example\n[]".to_vec(),
            b"all\n301\ntext/html\n\nhttps://www.example.com/\n<html>".to_vec(),
            format!("all\n200\napplication/json\n\n\n{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            format!("fingerprint\n\n\n\n\n  {}  ", &fp[1..fp.len() - 1].to_lowercase()).into_bytes(),
            format!("fingerprint\n\n\n\n\n{}", "A".repeat(10_000)).into_bytes(),
        ];
        for input in &inputs {
            mobile_files(input);
        }
        // The first input lists at most MAX_LISTED bad fingerprints and counts the rest.
        let q = MobileQuestion::from_lines(&inputs[0]);
        let file = assetlinks::read(&Served::file(&q.body));
        let unlisted: Vec<usize> = file
            .problems
            .iter()
            .filter_map(|p| match p {
                Problem::Unlisted { count, .. } => Some(*count),
                _ => None,
            })
            .collect();
        assert_eq!(unlisted, [500 - MAX_LISTED, 40 * 1000 - MAX_LISTED]);
        assert_eq!(file.login_origins().count(), 1);
    }
}
