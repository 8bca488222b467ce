//! The Public Suffix List, as the URL Standard uses it.
//!
//! Wraps the [`publicsuffix`] crate with the two questions the scoping rules ask:
//! a host's *public suffix* and its *registrable domain* (URL Standard §3.2,
//! <https://url.spec.whatwg.org/#host-public-suffix>). Both sections of the list
//! (ICANN and private) count, wildcard and exception rules apply, and a TLD the
//! list does not know is itself a public suffix (the implicit `*` rule).
//!
//! The list is data, never global state: build one with [`PublicSuffixList::vendored`]
//! (the copy pinned in `data/psl/`) or [`PublicSuffixList::parse`], and pass it by
//! reference to whatever needs it.

use crate::profile::Profile;
use publicsuffix::Psl as _;
use rpscope_model::{PslSnapshotFile, PslSnapshotId, PslSnapshotRecord, RuleChange};
use std::fmt;

/// The pinned copy of `public_suffix_list.dat` (see `data/psl/PROVENANCE.md`).
// `data` is a link to the repository's `data/psl/`, so the packaged crate carries the list.
const VENDORED: &str = include_str!("../data/public_suffix_list.dat");

/// A parsed Public Suffix List.
pub struct PublicSuffixList {
    list: publicsuffix::List,
    version: Option<String>,
    commit: Option<String>,
    rules: usize,
}

/// Which part of the list a public suffix comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuffixKind {
    /// A rule in the ICANN section.
    Icann,
    /// A rule in the private section (github.io, up.railway.app, ...).
    Private,
    /// No rule: the implicit `*` rule made the TLD a public suffix.
    Unlisted,
}

/// Why a list could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PslError {
    /// The text has no rule at all (an empty list would make every TLD the only
    /// public suffix and hide a wrong `--psl` path).
    NoRules,
    /// The list parser refused the text.
    Unparsable(String),
}

impl fmt::Display for PslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PslError::NoRules => {
                f.write_str("the list has no rules (is this a public_suffix_list.dat file?)")
            }
            PslError::Unparsable(e) => write!(f, "the list does not parse: {e}"),
        }
    }
}

impl std::error::Error for PslError {}

impl fmt::Debug for PublicSuffixList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicSuffixList")
            .field("version", &self.version)
            .field("commit", &self.commit)
            .field("rules", &self.rules)
            .finish()
    }
}

impl PublicSuffixList {
    /// The list vendored with this crate, pinned by its `VERSION`/`COMMIT` header.
    ///
    /// ```
    /// let psl = rpscope_core::PublicSuffixList::vendored();
    /// assert_eq!(psl.public_suffix("login.example.co.uk"), Some("co.uk"));
    /// assert!(psl.version().is_some());
    /// ```
    pub fn vendored() -> Self {
        // The vendored file is a compile-time constant checked by a unit test; it
        // is not input, so a failure here is a build defect, not a runtime case.
        Self::parse(VENDORED).expect("the vendored public_suffix_list.dat parses")
    }

    /// The text of the vendored `public_suffix_list.dat`, as embedded in this crate
    /// (what [`PublicSuffixList::vendored`] parses).
    ///
    /// ```
    /// use rpscope_core::PublicSuffixList;
    /// assert!(PublicSuffixList::vendored_text().contains("===BEGIN ICANN DOMAINS==="));
    /// ```
    pub const fn vendored_text() -> &'static str {
        VENDORED
    }

    /// The vendored list with a snapshot's difference applied.
    ///
    /// ```
    /// use rpscope_core::psl::{PublicSuffixList, SnapshotDiff};
    /// let diff = SnapshotDiff { lacks: vec!["github.io".into()], extra: vec![] };
    /// let older = PublicSuffixList::vendored_with(&diff).unwrap();
    /// assert_eq!(older.public_suffix("me.github.io"), Some("io"));
    /// ```
    pub fn vendored_with(diff: &SnapshotDiff) -> Result<Self, PslError> {
        if diff.lacks.is_empty() && diff.extra.is_empty() {
            return Ok(Self::vendored());
        }
        Self::parse(&apply_diff(VENDORED, diff))
    }

    /// Parses a list in the `public_suffix_list.dat` format.
    ///
    /// A text without a single rule is refused: an empty list would silently turn
    /// every TLD into the only public suffix and hide a wrong `--psl` path.
    pub fn parse(text: &str) -> Result<Self, PslError> {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .count();
        if rules == 0 {
            return Err(PslError::NoRules);
        }
        // Hosts reach the list in ASCII (punycode), as the URL parser leaves them,
        // but the list writes IDN rules in Unicode (`公司.cn`); browsers convert the
        // rules when they build their tables, and so must we, or `xn--55qx5d.cn`
        // would not match its own rule.
        let ascii = to_ascii_rules(text);
        let list: publicsuffix::List = ascii
            .parse()
            .map_err(|e: publicsuffix::Error| PslError::Unparsable(e.to_string()))?;
        let header = |key: &str| {
            text.lines()
                .take(64)
                .find_map(|l| l.trim().strip_prefix("//")?.trim().strip_prefix(key))
                .map(|v| v.trim().to_owned())
        };
        Ok(PublicSuffixList {
            list,
            version: header("VERSION:"),
            commit: header("COMMIT:"),
            rules,
        })
    }

    /// The list's `// VERSION:` header, when it has one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The list's `// COMMIT:` header, when it has one.
    pub fn commit(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    /// How many rules the list holds.
    pub fn rule_count(&self) -> usize {
        self.rules
    }

    /// The public suffix of a canonical (lower-case ASCII) domain, trailing dot kept.
    ///
    /// `None` for an empty host or one with an empty label (`a..b`, `.a`), for
    /// which the PSL algorithm is undefined.
    ///
    /// ```
    /// let psl = rpscope_core::PublicSuffixList::vendored();
    /// assert_eq!(psl.public_suffix("foo.github.io"), Some("github.io")); // private section
    /// assert_eq!(psl.public_suffix("pve.lan"), Some("lan"));             // implicit `*`
    /// assert_eq!(psl.public_suffix("www.example.com."), Some("com."));   // trailing dot kept
    /// ```
    pub fn public_suffix<'h>(&self, host: &'h str) -> Option<&'h str> {
        if !has_only_nonempty_labels(host) {
            return None;
        }
        let suffix = self.list.suffix(host.as_bytes())?;
        // The crate returns a sub-slice of its input; take the same tail of `host`
        // so the result borrows from the caller's string.
        let len = suffix.as_bytes().len();
        host.get(host.len().checked_sub(len)?..)
    }

    /// Which section the public suffix of `host` comes from (`None` when it has none).
    ///
    /// ```
    /// use rpscope_core::psl::{PublicSuffixList, SuffixKind};
    /// let psl = PublicSuffixList::vendored();
    /// assert_eq!(psl.suffix_kind("example.co.uk"), Some(SuffixKind::Icann));
    /// assert_eq!(psl.suffix_kind("me.github.io"), Some(SuffixKind::Private));
    /// assert_eq!(psl.suffix_kind("pve.lan"), Some(SuffixKind::Unlisted));
    /// ```
    pub fn suffix_kind(&self, host: &str) -> Option<SuffixKind> {
        if !has_only_nonempty_labels(host) {
            return None;
        }
        let suffix = self.list.suffix(host.as_bytes())?;
        Some(match suffix.typ() {
            Some(publicsuffix::Type::Icann) => SuffixKind::Icann,
            Some(publicsuffix::Type::Private) => SuffixKind::Private,
            None => SuffixKind::Unlisted,
        })
    }

    /// The registrable domain ("eTLD+1") of a canonical domain, or `None` when the
    /// host is itself a public suffix (URL Standard, "registrable domain").
    ///
    /// ```
    /// let psl = rpscope_core::PublicSuffixList::vendored();
    /// assert_eq!(psl.registrable_domain("a.b.example.co.uk"), Some("example.co.uk"));
    /// assert_eq!(psl.registrable_domain("co.uk"), None);
    /// ```
    pub fn registrable_domain<'h>(&self, host: &'h str) -> Option<&'h str> {
        let suffix = self.public_suffix(host)?;
        if suffix.len() == host.len() {
            return None;
        }
        // host = ... "." label "." suffix; take the label before the suffix.
        let before = &host[..host.len() - suffix.len() - 1];
        let start = before.rfind('.').map_or(0, |i| i + 1);
        Some(&host[start..])
    }
}

/// The rules of a list in the `public_suffix_list.dat` format, as written (the first
/// word of every line that is neither blank nor a comment).
pub fn list_rules(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|r| !r.starts_with("//"))
}

/// `text` without the rules `diff.lacks` names and with `diff.extra` at the end of the
/// private section.
fn apply_diff(text: &str, diff: &SnapshotDiff) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let rule = line.trim();
        if diff.lacks.iter().any(|l| l == rule) {
            continue;
        }
        if rule == "// ===END PRIVATE DOMAINS===" {
            for extra in &diff.extra {
                out.push_str(extra);
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The list with every non-ASCII rule rewritten to its punycode form; comments
/// and ASCII rules are kept as they are.
fn to_ascii_rules(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4096);
    for line in text.lines() {
        let rule = line.trim();
        if rule.is_ascii() || rule.starts_with("//") {
            out.push_str(line);
        } else {
            let (bang, rest) = rule.strip_prefix('!').map_or(("", rule), |r| ("!", r));
            let (star, name) = rest.strip_prefix("*.").map_or(("", rest), |r| ("*.", r));
            match url::Host::parse(name) {
                Ok(url::Host::Domain(ascii)) => {
                    out.push_str(bang);
                    out.push_str(star);
                    out.push_str(&ascii);
                }
                // A rule the host parser refuses can never match a parsed host.
                _ => out.push_str(line),
            }
        }
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// How a snapshot differs from the vendored list: rules its owner's copy lacks, and
/// rules it has that the vendored list no longer does (added to the private section).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotDiff {
    /// Rules of the vendored list the snapshot does not have, exactly as the list writes them.
    pub lacks: Vec<String>,
    /// Rules the snapshot has on top of the vendored list.
    pub extra: Vec<String>,
}

/// The measured snapshots (`data/psl/snapshots.toml`, written by
/// `rpscope browser --psl-snapshot`).
const SNAPSHOT_DATA: &str = include_str!("../data/snapshots.toml");

/// The most a snapshot file may hold: its size and its recorded rules.
pub const MAX_SNAPSHOT_FILE_BYTES: usize = 1 << 20;
/// The most rules one snapshot may record (lacks, extra and unobservable together).
pub const MAX_SNAPSHOT_RULES: usize = 20_000;

/// Reads a snapshot file (the format of `data/psl/snapshots.toml`) and holds every
/// recorded rule to the vendored list: a rule a browser lacks must be in the vendored list,
/// an extra rule must not be, and no snapshot is recorded twice.
///
/// ```
/// use rpscope_core::psl::read_snapshots;
/// let text = r#"
/// [[snapshot]]
/// id = "chromium-156"
/// browser = "chromium 156.0.8078.129"
/// psl_commit = "0000000000000000000000000000000000000000"
/// psl_commit_date = "2026-01-01"
/// method = "example"
/// measured = "2026-12-06"
/// probes = 1
/// [[snapshot.lacks]]
/// rule = "github.io"
/// section = "private"
/// date = "2014-01-01"
/// "#;
/// let file = read_snapshots(text).unwrap();
/// assert_eq!(file.snapshots[0].lacks[0].rule, "github.io");
/// assert!(read_snapshots("[[snapshot]]\nid = 3").is_err());
/// ```
pub fn read_snapshots(text: &str) -> Result<PslSnapshotFile, PslError> {
    let bad = |m: String| PslError::Unparsable(m);
    if text.len() > MAX_SNAPSHOT_FILE_BYTES {
        return Err(bad(format!(
            "the snapshot file has {} bytes, more than the {MAX_SNAPSHOT_FILE_BYTES} allowed",
            text.len()
        )));
    }
    let file: PslSnapshotFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let vendored: std::collections::HashSet<&str> = list_rules(VENDORED).collect();
    let mut seen = Vec::new();
    for s in &file.snapshots {
        if s.id == PslSnapshotId::Vendored {
            return Err(bad(
                "`vendored` is the list itself, not a snapshot of it".into()
            ));
        }
        if seen.contains(&s.id) {
            return Err(bad(format!("snapshot `{}` is recorded twice", s.id)));
        }
        seen.push(s.id);
        let total = s.lacks.len() + s.extra.len() + s.unobservable.len();
        if total > MAX_SNAPSHOT_RULES {
            return Err(bad(format!(
                "snapshot `{}` records {total} rules, more than the {MAX_SNAPSHOT_RULES} allowed",
                s.id
            )));
        }
        for (change, lacking) in s
            .lacks
            .iter()
            .map(|c| (c, true))
            .chain(s.extra.iter().map(|c| (c, false)))
        {
            let rule = change.rule.as_str();
            if rule.is_empty() || rule.len() > 253 || rule.contains(char::is_whitespace) {
                return Err(bad(format!("snapshot `{}`: `{rule}` is not a rule", s.id)));
            }
            if !matches!(change.section.as_str(), "icann" | "private") {
                return Err(bad(format!(
                    "snapshot `{}`: rule `{rule}` has section `{}` (expected icann or private)",
                    s.id, change.section
                )));
            }
            match (lacking, vendored.contains(rule)) {
                (true, false) => {
                    return Err(bad(format!(
                    "snapshot `{}` lacks `{rule}`, which the vendored list does not have either",
                    s.id
                )))
                }
                (false, true) => {
                    return Err(bad(format!(
                        "snapshot `{}` has `{rule}` as extra, but the vendored list has it too",
                        s.id
                    )))
                }
                _ => {}
            }
        }
    }
    Ok(file)
}

/// The lists profiles decide with: one per built-in snapshot, or one list for every
/// profile (`--psl FILE`).
///
/// Parse once and keep: each snapshot is parsed when the set is built.
///
/// ```
/// use rpscope_core::{psl::PslSnapshots, Profile};
/// let lists = PslSnapshots::builtin();
/// let chromium = lists.for_profile(&Profile::CHROMIUM);
/// assert_eq!(chromium.public_suffix("me.github.io"), Some("github.io"));
/// ```
#[derive(Debug)]
pub struct PslSnapshots {
    /// The vendored list, or the list that overrides every snapshot.
    current: PublicSuffixList,
    /// The other built-in snapshots (empty when `current` overrides them all).
    others: Vec<(PslSnapshotId, PublicSuffixList, PslSnapshotRecord)>,
    /// Per entry of `others`, the domains its recorded rules are about (a rule with
    /// `*.` or `!` stripped), so that [`PslSnapshots::lag`] can tell at once that a
    /// domain lies under no recorded rule; `None` when a rule is not lower-case ASCII
    /// (then every domain takes the full walk).
    governed: Vec<Option<std::collections::HashSet<String>>>,
    overridden: bool,
}

/// The domains a snapshot's recorded rules are about, when every rule is lower-case ASCII.
fn governed_domains(record: &PslSnapshotRecord) -> Option<std::collections::HashSet<String>> {
    let mut set = std::collections::HashSet::new();
    for change in record.lacks.iter().chain(&record.extra) {
        let rule = change.rule.as_str();
        if !rule
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            return None;
        }
        let body = rule
            .strip_prefix('!')
            .or_else(|| rule.strip_prefix("*."))
            .unwrap_or(rule);
        set.insert(body.to_owned());
    }
    Some(set)
}

/// A verdict that hangs on a rule a snapshot lacks or still has: `domain` is a public
/// suffix under one list and not under the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lag<'a> {
    /// The snapshot whose list differs.
    pub snapshot: PslSnapshotId,
    /// The domain whose status differs (an RP ID, or a suffix of one).
    pub domain: String,
    /// Whether `domain` is a public suffix under the snapshot.
    pub suffix_in_snapshot: bool,
    /// The recorded rule that makes the difference, with its PSL date.
    pub change: Option<&'a RuleChange>,
    /// Whether the snapshot lacks the rule (`false`: it still has a removed rule).
    pub lacks: bool,
}

impl fmt::Display for Lag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = self.snapshot.owner();
        let status = if self.suffix_in_snapshot {
            "a public suffix there, and no page may claim it"
        } else {
            "not a public suffix there, and any page under it may claim it"
        };
        // A date is `YYYY-MM-DD`, or `between A and B` when the history read does not
        // hold the commit.
        let when = |date: &str| {
            if date.starts_with("between ") {
                date.to_owned()
            } else {
                format!("on {date}")
            }
        };
        match (self.change, self.lacks) {
            (Some(c), true) => write!(
                f,
                "{owner} has no rule `{}`, added to the PSL {}, so `{}` is {status}",
                c.rule,
                when(&c.date),
                self.domain
            ),
            (Some(c), false) => write!(
                f,
                "{owner} still has the rule `{}`, removed from the PSL {}, so `{}` is {status}",
                c.rule,
                when(&c.date),
                self.domain
            ),
            (None, _) => write!(
                f,
                "{owner} differs from the current list here: `{}` is {status}",
                self.domain
            ),
        }
    }
}

impl PslSnapshots {
    /// Every built-in snapshot, each profile deciding with its own.
    ///
    /// The measured data is embedded at compile time and a unit test reads it, so a
    /// failure here is a build defect; [`PslSnapshots::from_data`] is the fallible form.
    pub fn builtin() -> Self {
        Self::from_data(SNAPSHOT_DATA).expect("the embedded data/psl/snapshots.toml is valid")
    }

    /// The vendored list and every snapshot `data` records (the format of
    /// `data/psl/snapshots.toml`). A snapshot id the data does not record decides with
    /// the vendored list.
    pub fn from_data(data: &str) -> Result<Self, PslError> {
        let file = read_snapshots(data)?;
        let mut others = Vec::new();
        let mut governed = Vec::new();
        for record in file.snapshots {
            governed.push(governed_domains(&record));
            let diff = SnapshotDiff {
                lacks: record.lacks.iter().map(|c| c.rule.clone()).collect(),
                extra: record.extra.iter().map(|c| c.rule.clone()).collect(),
            };
            others.push((record.id, PublicSuffixList::vendored_with(&diff)?, record));
        }
        Ok(PslSnapshots {
            current: PublicSuffixList::vendored(),
            others,
            governed,
            overridden: false,
        })
    }

    /// What was recorded about a snapshot (`None` for the vendored list, an unrecorded
    /// snapshot, or when one list overrides them all).
    pub fn record(&self, id: PslSnapshotId) -> Option<&PslSnapshotRecord> {
        self.others
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, r)| r)
    }

    /// Whether `domain` (an RP ID), or a suffix of it, is a public suffix under the
    /// snapshot `id` but not under the current list, or the other way round: the first
    /// such domain, from the longest, with the recorded rule behind it.
    ///
    /// Not on the matcher's hot path: explanations and warnings call it.
    ///
    /// ```
    /// use rpscope_core::psl::PslSnapshots;
    /// use rpscope_model::{PslSnapshotFile, PslSnapshotId, PslSnapshotRecord, RuleChange};
    /// let lists = PslSnapshots::builtin();
    /// assert!(lists.lag(PslSnapshotId::Vendored, "me.github.io").is_none());
    /// ```
    pub fn lag(&self, id: PslSnapshotId, domain: &str) -> Option<Lag<'_>> {
        let at = self.others.iter().position(|(i, _, _)| *i == id)?;
        let rest = domain.trim_end_matches('.');
        // Both lists are the vendored list but for the recorded rules: a domain none of
        // whose suffixes a rule is about is decided alike by both (no PSL lookup).
        if let Some(Some(governed)) = self.governed.get(at) {
            if !domain.bytes().any(|b| b.is_ascii_uppercase()) {
                let mut tail = rest;
                loop {
                    if governed.contains(tail) {
                        break;
                    }
                    match tail.find('.') {
                        Some(i) => tail = &tail[i + 1..],
                        None => return None,
                    }
                }
            }
        }
        self.lag_walk(at, rest)
    }

    /// [`PslSnapshots::lag`] without the shortcut: asks both lists about `rest` and
    /// every domain above it.
    fn lag_walk(&self, at: usize, mut rest: &str) -> Option<Lag<'_>> {
        let (id, list, record) = &self.others[at];
        let id = *id;
        loop {
            if has_only_nonempty_labels(rest) {
                let is_suffix = |l: &PublicSuffixList| l.public_suffix(rest) == Some(rest);
                let (there, here) = (is_suffix(list), is_suffix(&self.current));
                if there != here {
                    let governs = |rule: &str| rule_governs(rule, rest);
                    let lacking = record.lacks.iter().find(|c| governs(&c.rule));
                    let extra = record.extra.iter().find(|c| governs(&c.rule));
                    return Some(Lag {
                        snapshot: id,
                        domain: rest.to_owned(),
                        suffix_in_snapshot: there,
                        lacks: extra.is_none(),
                        change: lacking.or(extra),
                    });
                }
            }
            match rest.find('.') {
                Some(i) => rest = &rest[i + 1..],
                None => return None,
            }
        }
    }

    /// One list for every profile, whatever snapshot it names (`--psl FILE`).
    pub fn only(list: PublicSuffixList) -> Self {
        PslSnapshots {
            current: list,
            others: Vec::new(),
            governed: Vec::new(),
            overridden: true,
        }
    }

    /// The list `profile` decides with.
    pub fn for_profile(&self, profile: &Profile) -> &PublicSuffixList {
        self.get(profile.psl)
    }

    /// The list of a snapshot (the overriding list, when there is one).
    pub fn get(&self, id: PslSnapshotId) -> &PublicSuffixList {
        self.others
            .iter()
            .find(|(i, _, _)| *i == id)
            .map_or(&self.current, |(_, list, _)| list)
    }

    /// The current list (the vendored one, or the overriding list): what checks that
    /// model no browser, such as an RP's policy, decide with.
    pub fn current(&self) -> &PublicSuffixList {
        &self.current
    }

    /// Whether one list overrides every snapshot.
    pub fn is_overridden(&self) -> bool {
        self.overridden
    }
}

/// Whether a rule, as the list writes it, decides whether `domain` is a public suffix:
/// `x.y` for `x.y`, `*.x.y` for `a.x.y`, `!a.x.y` for `a.x.y`.
fn rule_governs(rule: &str, domain: &str) -> bool {
    if let Some(exception) = rule.strip_prefix('!') {
        return exception.eq_ignore_ascii_case(domain);
    }
    if let Some(parent) = rule.strip_prefix("*.") {
        return domain
            .split_once('.')
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(parent));
    }
    rule.eq_ignore_ascii_case(domain)
}

/// True when the domain has at least one label and no empty label, a single
/// trailing dot (the DNS root) excepted.
pub(crate) fn has_only_nonempty_labels(host: &str) -> bool {
    let body = host.strip_suffix('.').unwrap_or(host);
    !body.is_empty() && body.split('.').all(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_shortcut_agrees_with_the_full_walk() {
        let lists = PslSnapshots::builtin();
        assert!(!lists.others.is_empty());
        for (at, (id, _, record)) in lists.others.iter().enumerate() {
            assert!(
                lists.governed[at].is_some(),
                "{id}: rules are lower-case ASCII"
            );
            let mut domains: Vec<String> = Vec::new();
            for change in record.lacks.iter().chain(&record.extra) {
                let body = change.rule.trim_start_matches('!').trim_start_matches("*.");
                for prefix in ["", "a.", "b.a.", "x-y."] {
                    domains.push(format!("{prefix}{body}"));
                    domains.push(format!("{prefix}{body}."));
                }
                if let Some((_, parent)) = body.split_once('.') {
                    domains.push(format!("t.{parent}"));
                }
            }
            domains.extend(list_rules(VENDORED).step_by(37).map(|r| format!("a.{r}")));
            domains.extend(["example.com", "me.github.io", "com", "a..b.com"].map(String::from));
            let mut lags = 0;
            for d in &domains {
                let fast = lists.lag(*id, d);
                let slow = lists.lag_walk(at, d.trim_end_matches('.'));
                assert_eq!(
                    fast.as_ref().map(|l| (&l.domain, l.suffix_in_snapshot)),
                    slow.as_ref().map(|l| (&l.domain, l.suffix_in_snapshot)),
                    "{id}: {d}"
                );
                lags += usize::from(fast.is_some());
            }
            assert!(lags > 0, "{id}: some domain lags");
        }
    }

    #[test]
    fn vendored_list_is_pinned_and_has_both_sections() {
        let psl = PublicSuffixList::vendored();
        assert_eq!(psl.version(), Some("2026-10-22_08-36-41_UTC"));
        assert_eq!(
            psl.commit(),
            Some("8437e5262f13305f94087abe699b4fe2be1d1de8")
        );
        assert!(psl.rule_count() > 9000, "{}", psl.rule_count());
        assert_eq!(psl.public_suffix("example.com"), Some("com"));
        assert_eq!(psl.public_suffix("foo.github.io"), Some("github.io"));
    }

    #[test]
    fn wildcard_and_exception_rules() {
        let psl = PublicSuffixList::vendored();
        // `*.ck` and `!www.ck` (PSL test_psl.txt).
        assert_eq!(psl.public_suffix("foo.bar.ck"), Some("bar.ck"));
        assert_eq!(psl.registrable_domain("foo.bar.ck"), Some("foo.bar.ck"));
        assert_eq!(psl.public_suffix("www.ck"), Some("ck"));
        assert_eq!(psl.registrable_domain("www.ck"), Some("www.ck"));
        assert_eq!(psl.registrable_domain("bar.ck"), None);
    }

    #[test]
    fn empty_labels_have_no_public_suffix() {
        let psl = PublicSuffixList::vendored();
        for host in ["", ".", "a..com", ".com", "com.."] {
            assert_eq!(psl.public_suffix(host), None, "{host:?}");
            assert_eq!(psl.registrable_domain(host), None, "{host:?}");
        }
    }

    /// Regression: the list writes IDN rules in Unicode; lookups are in punycode.
    /// Found by the PSL's own test vectors (`psl-tests::example-xn-55qx5d-cn-claims-xn-55qx5d-cn`).
    #[test]
    fn unicode_rules_match_punycode_hosts() {
        let psl = PublicSuffixList::vendored();
        assert_eq!(
            psl.public_suffix("example.xn--55qx5d.cn"),
            Some("xn--55qx5d.cn")
        ); // 公司.cn
        assert_eq!(
            psl.public_suffix("www.xn--85x722f.xn--fiqs8s"),
            Some("xn--fiqs8s")
        ); // 中国
        assert_eq!(
            psl.registrable_domain("a.xn--85x722f.xn--55qx5d.cn"),
            Some("xn--85x722f.xn--55qx5d.cn")
        );
    }

    #[test]
    fn trailing_dot_stays_on_the_suffix() {
        let psl = PublicSuffixList::vendored();
        assert_eq!(psl.public_suffix("example.com."), Some("com."));
        assert_eq!(
            psl.registrable_domain("www.example.com."),
            Some("example.com.")
        );
    }

    #[test]
    fn every_snapshot_id_is_built_in_and_diffs_apply() {
        let lists = PslSnapshots::builtin();
        for &id in PslSnapshotId::ALL {
            if id != PslSnapshotId::Vendored {
                assert!(lists.record(id).is_some(), "{id} has no measured data");
            }
            assert!(lists.get(id).rule_count() > 9000);
        }
        let lagging = PublicSuffixList::vendored_with(&SnapshotDiff {
            lacks: vec!["github.io".into()],
            extra: vec!["example.com".into()],
        })
        .unwrap();
        assert_eq!(lagging.public_suffix("me.github.io"), Some("io"));
        assert_eq!(
            lagging.suffix_kind("a.example.com"),
            Some(SuffixKind::Private)
        );
        assert_eq!(lagging.public_suffix("a.example.com"), Some("example.com"));
        let full = PublicSuffixList::vendored();
        assert_eq!(full.public_suffix("me.github.io"), Some("github.io"));
        assert_eq!(lagging.rule_count(), full.rule_count());
    }

    #[test]
    fn an_overriding_list_serves_every_profile() {
        let tiny = PublicSuffixList::parse(
            "// ===BEGIN ICANN DOMAINS===\ncom\n// ===END ICANN DOMAINS===\n",
        )
        .unwrap();
        let lists = PslSnapshots::only(tiny);
        assert!(lists.is_overridden());
        for p in Profile::ALL {
            assert_eq!(lists.for_profile(p).rule_count(), 1);
        }
    }

    #[test]
    fn a_list_without_rules_is_refused() {
        let err = PublicSuffixList::parse("// just a comment\n\n").unwrap_err();
        assert!(err.to_string().contains("no rules"), "{err}");
        let tiny = PublicSuffixList::parse(
            "// ===BEGIN ICANN DOMAINS===\ncom\n// ===END ICANN DOMAINS===\n",
        )
        .unwrap();
        assert_eq!(tiny.public_suffix("example.com"), Some("com"));
        assert_eq!(tiny.version(), None);
    }

    /// Every recorded rule is held to the vendored list: a rule a browser lacks is in
    /// it, an extra rule is not (read_snapshots refuses the data otherwise).
    #[test]
    fn embedded_snapshots_hold_to_the_vendored_list() {
        let file = read_snapshots(SNAPSHOT_DATA).expect("data/psl/snapshots.toml");
        let vendored: std::collections::HashSet<&str> = list_rules(VENDORED).collect();
        for s in &file.snapshots {
            assert_eq!(s.psl_commit.len(), 40, "{}", s.id);
            for c in &s.lacks {
                assert!(vendored.contains(c.rule.as_str()), "{}: {}", s.id, c.rule);
            }
            for c in &s.extra {
                assert!(!vendored.contains(c.rule.as_str()), "{}: {}", s.id, c.rule);
            }
        }
    }

    fn record(lacks: &[&str], extra: &[&str]) -> String {
        let mut t = String::from(
            "[[snapshot]]\nid = \"chromium-156\"\nbrowser = \"chromium 1\"\npsl_commit = \"0000000000000000000000000000000000000000\"\npsl_commit_date = \"2026-01-01\"\nmethod = \"m\"\nmeasured = \"2026-12-06\"\nprobes = 2\n",
        );
        for r in lacks {
            t.push_str(&format!("[[snapshot.lacks]]\nrule = \"{r}\"\nsection = \"private\"\ndate = \"2026-02-03\"\ncommit = \"abc\"\n"));
        }
        for r in extra {
            t.push_str(&format!("[[snapshot.extra]]\nrule = \"{r}\"\nsection = \"private\"\ndate = \"2026-04-05\"\n"));
        }
        t
    }

    #[test]
    fn hostile_snapshot_data_is_refused_with_a_reason() {
        let cases = [
            (
                record(&["no-such-rule.example"], &[]),
                "does not have either",
            ),
            (record(&[], &["github.io"]), "has it too"),
            (record(&["a b"], &[]), "is not a rule"),
            (format!("{}{}", record(&[], &[]), record(&[], &[])), "twice"),
            (
                record(&[], &[]).replace("chromium-156", "vendored"),
                "not a snapshot",
            ),
            (
                record(&[], &[]).replace("chromium-156", "safari-1"),
                "unknown variant",
            ),
            (
                record(&[], &[]).replace("probes = 2", "probes = 2\nsurprise = 1"),
                "unknown field",
            ),
            ("x".repeat(MAX_SNAPSHOT_FILE_BYTES + 1), "more than"),
        ];
        for (text, want) in cases {
            let err = read_snapshots(&text).map(|_| ()).unwrap_err().to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
        let mut extra = record(&[], &["a.example"]);
        extra.push_str(
            "[[snapshot.extra]]\nrule = \"b.example\"\nsection = \"other\"\ndate = \"x\"\n",
        );
        assert!(read_snapshots(&extra)
            .unwrap_err()
            .to_string()
            .contains("section"));
    }

    #[test]
    fn a_lagging_snapshot_names_the_rule_and_its_date() {
        let lists = PslSnapshots::from_data(&record(&["github.io"], &["example.com"])).unwrap();
        let lag = lists
            .lag(PslSnapshotId::Chromium156, "github.io")
            .expect("github.io is a suffix only in the current list");
        assert!(!lag.suffix_in_snapshot);
        assert_eq!(
            lag.to_string(),
            "Chromium 156's list has no rule `github.io`, added to the PSL on 2026-02-03, so `github.io` is not a public suffix there, and any page under it may claim it"
        );
        // A suffix of the RP ID counts too: tenants under it are not isolated.
        assert_eq!(
            lists
                .lag(PslSnapshotId::Chromium156, "me.github.io")
                .map(|l| l.domain),
            Some("github.io".into())
        );
        let extra = lists
            .lag(PslSnapshotId::Chromium156, "example.com")
            .unwrap();
        assert!(extra.suffix_in_snapshot && !extra.lacks);
        assert!(extra
            .to_string()
            .contains("still has the rule `example.com`, removed from the PSL on 2026-04-05"));
        assert!(lists
            .lag(PslSnapshotId::Chromium156, "example.org")
            .is_none());
        assert!(lists
            .lag(PslSnapshotId::FirefoxEsr153, "github.io")
            .is_none());
        assert!(lists.lag(PslSnapshotId::Chromium156, "").is_none());
        assert!(lists
            .lag(PslSnapshotId::Chromium156, "a..github.io")
            .is_some());
    }

    #[test]
    fn rules_govern_the_domains_they_decide() {
        assert!(rule_governs("x.y", "x.y"));
        assert!(!rule_governs("x.y", "a.x.y"));
        assert!(rule_governs("*.x.y", "a.x.y"));
        assert!(!rule_governs("*.x.y", "x.y"));
        assert!(rule_governs("!w.x.y", "w.x.y"));
        assert!(!rule_governs("!w.x.y", "a.x.y"));
    }
}
