//! The Public Suffix List's own tests (`test_psl.txt`) as RP ID cases.
//!
//! Each `checkPublicSuffix(host, registrable)` line becomes one case:
//!
//! * a registrable domain `R`: a page on `host` may use `R` as its RP ID (accept);
//! * `null` (the host is a public suffix): a page on `example.<host>` may not use
//!   `host` (reject, `rp-id-public-suffix`), by HTML's step 4.3.
//!
//! Lines with a null or leading-dot input are skipped: no page has such a host.
//! `corpus/cases/psl-tests.toml` is this module's output, checked in; a test fails
//! when it drifts from `data/psl/test_psl.txt`.

use crate::case::{
    ClientCase, ClientTopic, Expected, ExpectedReason, Outcome, ProfileDefault, TopicFile,
};
use rpscope_core::psl::{PublicSuffixList, SuffixKind};
use rpscope_core::Reason;
use rpscope_model::ProfileId;
use std::collections::{BTreeMap, BTreeSet};

/// Why every PSL test is `acceptable` for `webkit`: Safari claims RP IDs in closed code.
const WEBKIT_NOTE: &str = "Safari runs the local RP ID check in AuthenticationServices, closed \
source since WebKit PR #23548 (bug 268426), and which Public Suffix List it holds is unknown; \
the webkit profile follows the spec here, unverified (docs/profiles.md).";

/// Converts `test_psl.txt` into the `psl-tests` topic file (TOML text).
pub fn import(test_psl: &str, psl: &PublicSuffixList) -> Result<String, String> {
    let mut cases = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, line) in test_psl.lines().enumerate() {
        let line = line.trim();
        let Some(args) = line
            .strip_prefix("checkPublicSuffix(")
            .and_then(|l| l.strip_suffix(");"))
        else {
            continue;
        };
        let (host, registrable) =
            parse_args(args).ok_or_else(|| format!("line {}: cannot read `{line}`", n + 1))?;
        let Some(host) = host.filter(|h| !h.starts_with('.')) else {
            continue;
        };
        let canonical = |s: &str| {
            url::Host::parse(s)
                .map_err(|e| format!("line {}: `{s}` is not a host: {e}", n + 1))
                .map(|h| h.to_string())
        };
        let host_ascii = canonical(&host)?;
        let (origin, rp_id, expected, reason, description, kind_of) = match &registrable {
            Some(r) => {
                let rp = canonical(r)?;
                let reason = if rp == host_ascii {
                    Reason::RpIdEqualsHost
                } else {
                    Reason::RpIdRegistrableSuffix
                };
                let description = format!(
                    "test_psl.txt gives `{r}` as the registrable domain of `{host}`, so a page on `{host}` may use `{rp}` as its RP ID."
                );
                (
                    format!("https://{host}"),
                    rp.clone(),
                    Outcome::Accept,
                    reason,
                    description,
                    rp,
                )
            }
            None => {
                let description = format!(
                    "test_psl.txt says `{host}` has no registrable domain (it is a public suffix), so a page below it may not use it as an RP ID."
                );
                (
                    format!("https://example.{host}"),
                    host_ascii.clone(),
                    Outcome::Reject,
                    Reason::RpIdPublicSuffix,
                    description,
                    host_ascii.clone(),
                )
            }
        };
        let origin_host = canonical(origin.trim_start_matches("https://"))?;
        if !seen.insert((origin_host.clone(), rp_id.clone())) {
            continue;
        }
        let mut flags = vec!["psl-test".to_string()];
        flags.push(
            match psl.suffix_kind(&kind_of) {
                Some(SuffixKind::Private) => "private-suffix",
                Some(SuffixKind::Unlisted) => "unknown-tld",
                _ => "public-suffix",
            }
            .into(),
        );
        if !host.is_ascii() || host_ascii.split('.').any(|l| l.starts_with("xn--")) {
            flags.push("idna".into());
        }
        if host.chars().any(|c| c.is_ascii_uppercase()) {
            flags.push("case".into());
        }
        if expected == Outcome::Reject {
            flags.push("security-critical".into());
        }
        cases.push(ClientCase {
            id: format!(
                "psl-tests::{}-claims-{}",
                kebab(&origin_host),
                kebab(&rp_id)
            ),
            description,
            source: vec![
                format!(
                    "Public Suffix List test_psl.txt: checkPublicSuffix('{host}', {})",
                    registrable
                        .as_deref()
                        .map_or("null".into(), |r| format!("'{r}'"))
                ),
                "HTML 'is a registrable domain suffix of or is equal to', step 4.3".into(),
            ],
            origin,
            rp_id: Some(rp_id),
            well_known: None,
            flags,
            expected: Expected::all(expected),
            reason: Some(ExpectedReason::all(reason)),
            note: None,
        });
    }
    let topic = TopicFile::Client(ClientTopic {
        description: "The Public Suffix List's own test vectors (data/psl/test_psl.txt), converted to RP ID claims. \
Generated by `rpscope corpus import-psl-tests data/psl/test_psl.txt`; do not edit by hand."
            .into(),
        profile_default: BTreeMap::from([(
            ProfileId::Webkit,
            ProfileDefault {
                expected: Outcome::Acceptable,
                note: WEBKIT_NOTE.into(),
            },
        )]),
        cases,
    });
    let body = toml::to_string(&topic).map_err(|e| format!("cannot write TOML: {e}"))?;
    Ok(format!("# Generated from data/psl/test_psl.txt by `rpscope corpus import-psl-tests`. Do not edit.\n{body}"))
}

/// `'a', 'b'` / `'a', null` / `null, null` → (Some(a), Some(b)) etc.
fn parse_args(args: &str) -> Option<(Option<String>, Option<String>)> {
    let (a, b) = args.split_once(',')?;
    let one = |s: &str| -> Option<Option<String>> {
        let s = s.trim();
        if s == "null" {
            return Some(None);
        }
        Some(Some(s.strip_prefix('\'')?.strip_suffix('\'')?.to_string()))
    };
    Some((one(a)?, one(b)?))
}

/// A host as an id fragment: dots become hyphens, `xn--` becomes `xn-`.
fn kebab(host: &str) -> String {
    let mut s = host.trim_end_matches('.').replace('.', "-");
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s
}
