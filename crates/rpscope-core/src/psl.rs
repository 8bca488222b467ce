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
use rpscope_model::PslSnapshotId;
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

    /// The vendored list with a snapshot's difference applied.
    pub fn vendored_with(diff: &SnapshotDiff) -> Self {
        if diff.lacks.is_empty() && diff.extra.is_empty() {
            return Self::vendored();
        }
        Self::parse(&apply_diff(VENDORED, diff)).expect("a built-in snapshot parses")
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

/// `text` without the rules `diff.lacks` names and with `diff.extra` at the end of the
/// private section.
fn apply_diff(text: &str, diff: &SnapshotDiff) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let rule = line.trim();
        if diff.lacks.contains(&rule) {
            continue;
        }
        if rule == "// ===END PRIVATE DOMAINS===" {
            for extra in diff.extra {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnapshotDiff {
    /// Rules of the vendored list the snapshot does not have, exactly as the list writes them.
    pub lacks: &'static [&'static str],
    /// Rules the snapshot has on top of the vendored list.
    pub extra: &'static [&'static str],
}

/// Every built-in snapshot, as a difference from the vendored list. A browser profile
/// whose copy of the list was measured to lag (or lead) gets an entry here and a
/// [`PslSnapshotId`] of its own; nothing else changes.
const SNAPSHOTS: &[(PslSnapshotId, SnapshotDiff)] = &[(
    PslSnapshotId::Vendored,
    SnapshotDiff {
        lacks: &[],
        extra: &[],
    },
)];

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
    others: Vec<(PslSnapshotId, PublicSuffixList)>,
    overridden: bool,
}

impl PslSnapshots {
    /// Every built-in snapshot, each profile deciding with its own.
    pub fn builtin() -> Self {
        let others = SNAPSHOTS
            .iter()
            .filter(|(id, _)| *id != PslSnapshotId::Vendored)
            .map(|(id, diff)| (*id, PublicSuffixList::vendored_with(diff)))
            .collect();
        PslSnapshots {
            current: PublicSuffixList::vendored(),
            others,
            overridden: false,
        }
    }

    /// One list for every profile, whatever snapshot it names (`--psl FILE`).
    pub fn only(list: PublicSuffixList) -> Self {
        PslSnapshots {
            current: list,
            others: Vec::new(),
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
            .find(|(i, _)| *i == id)
            .map_or(&self.current, |(_, list)| list)
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
            assert!(SNAPSHOTS.iter().any(|(i, _)| *i == id), "{id} has no data");
            assert!(lists.get(id).rule_count() > 9000);
        }
        let lagging = PublicSuffixList::vendored_with(&SnapshotDiff {
            lacks: &["github.io"],
            extra: &["example.com"],
        });
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
}
