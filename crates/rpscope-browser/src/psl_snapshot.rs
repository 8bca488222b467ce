//! Measuring which Public Suffix List a browser uses (`rpscope browser --psl-snapshot`).
//!
//! Browsers compile a snapshot of the list into each release (Chromium:
//! `net/base/registry_controlled_domains/effective_tld_names.dat`, converted to a DAFSA
//! at build time; Firefox: `netwerk/dns/effective_tld_names.dat`, which remote settings
//! may update at run time). This module finds that snapshot from the outside:
//!
//! 1. [`Timeline`]: the list's git history (`publicsuffix/list`), each commit's rules,
//!    and what each commit added and removed; the vendored list closes it.
//! 2. [`probe_for`]: a page that shows whether the browser has one rule. The page at
//!    `https://a.{d}` claims `d` as its RP ID, where `d` is the rule (`x.y`), a name
//!    under a wildcard (`rpscope.x.y` for `*.x.y`) or the exception's name (`w.x.y`
//!    for `!w.x.y`). A browser refuses exactly when `d` is a public suffix of its list
//!    (HTML "is a registrable domain suffix of or is equal to"), so the verdict says
//!    whether it has the rule. A rule whose presence does not change that (every
//!    single-label rule: the implicit `*` rule makes a TLD a public suffix anyway; a
//!    rule another rule covers) is unobservable and recorded as such.
//! 3. [`bisect`]: the newest commit whose changes the browser has, probing rules each
//!    commit changed and no later commit touched again.
//! 4. [`exact_diff`]: every rule any commit after that one changed, probed, and held
//!    to the vendored list: rules the browser lacks, rules it still has.
//!
//! The pure parts take a [`RuleOracle`], so tests run them against a fake browser;
//! [`BrowserOracle`] is the real one. Everything is bounded: commits read, rules per
//! commit, probes, time.

use crate::ceremony;
use crate::driver::BrowserDriver;
use crate::plan::Plan;
use crate::server::Server;
use rpscope_corpus::Answer;
use rpscope_model::{PslSnapshotFile, PslSnapshotRecord, RuleChange};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The most commits a timeline reads.
pub const MAX_COMMITS: usize = 3_000;
/// The most bytes one revision of the list may have.
pub const MAX_LIST_BYTES: usize = 4 << 20;
/// The evidence rules probed per commit while bisecting.
pub const EVIDENCE_PER_COMMIT: usize = 2;

/// The section of the list a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// Between `===BEGIN ICANN DOMAINS===` and its end.
    Icann,
    /// Between `===BEGIN PRIVATE DOMAINS===` and its end.
    Private,
}

impl Section {
    /// `icann` or `private`, as `data/psl/snapshots.toml` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Icann => "icann",
            Section::Private => "private",
        }
    }
}

/// A list's rules, each with its section.
pub type RuleSet = HashMap<String, Section>;

/// Reads the rules of one revision of `public_suffix_list.dat` (the first word of each
/// line that is not a comment; rules outside both sections count as ICANN).
pub fn rules_of(text: &str) -> RuleSet {
    let mut section = Section::Icann;
    let mut out = RuleSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.contains("===BEGIN PRIVATE DOMAINS===") {
            section = Section::Private;
        } else if line.contains("===BEGIN ICANN DOMAINS===") {
            section = Section::Icann;
        }
        if line.starts_with("//") {
            continue;
        }
        if let Some(rule) = line.split_whitespace().next() {
            out.insert(rule.to_owned(), section);
        }
    }
    out
}

/// One commit of the list's history (or the vendored list closing it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The commit hash (the vendored list's `COMMIT` header for the last step).
    pub hash: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Whether the history read holds this commit (the vendored list may be newer).
    pub in_history: bool,
}

/// A rule one commit added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Index into [`Timeline::commits`].
    pub commit: usize,
    /// The rule as written.
    pub rule: String,
    /// Its section.
    pub section: Section,
    /// Added (`true`) or removed.
    pub added: bool,
}

/// The list's history from a base commit on, ending with the vendored list.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The commits, oldest first; index 0 is the base (its changes are not known).
    pub commits: Vec<Commit>,
    /// What each commit after the base changed, in commit order.
    pub changes: Vec<Change>,
    /// The rules after the last commit (the vendored list's).
    pub last: RuleSet,
}

impl Timeline {
    /// Builds a timeline from revisions of the list, oldest first (the first is the base).
    pub fn from_revisions(revisions: Vec<(Commit, RuleSet)>) -> Timeline {
        let mut t = Timeline::default();
        let mut prev: Option<RuleSet> = None;
        for (i, (commit, rules)) in revisions.into_iter().enumerate() {
            if let Some(p) = &prev {
                let mut added: Vec<Change> = rules
                    .iter()
                    .filter(|(r, _)| !p.contains_key(*r))
                    .map(|(r, s)| Change {
                        commit: i,
                        rule: r.clone(),
                        section: *s,
                        added: true,
                    })
                    .collect();
                let mut removed: Vec<Change> = p
                    .iter()
                    .filter(|(r, _)| !rules.contains_key(*r))
                    .map(|(r, s)| Change {
                        commit: i,
                        rule: r.clone(),
                        section: *s,
                        added: false,
                    })
                    .collect();
                added.sort_by(|a, b| a.rule.cmp(&b.rule));
                removed.sort_by(|a, b| a.rule.cmp(&b.rule));
                t.changes.extend(added);
                t.changes.extend(removed);
            }
            t.commits.push(commit);
            prev = Some(rules);
        }
        t.last = prev.unwrap_or_default();
        t
    }

    /// Reads the history of `public_suffix_list.dat` from a bare or ordinary git
    /// directory (first-parent commits since `since`, a `YYYY-MM-DD` date; the newest
    /// commit on or before it is the base), and closes it with `vendored`, the list
    /// the profiles use, when it differs from the newest commit read.
    pub fn from_git(
        git_dir: &Path,
        since: &str,
        vendored: (&str, &str, &str),
    ) -> Result<Timeline, String> {
        let git = |args: &[&str]| -> Result<String, String> {
            let out = Command::new("git")
                .arg("--git-dir")
                .arg(git_dir)
                .args(args)
                .output()
                .map_err(|e| format!("cannot run git: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "git {} failed: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        if since.len() != 10 || !since.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(format!("`{since}` is not a YYYY-MM-DD date"));
        }
        let base = git(&[
            "log",
            "--first-parent",
            "-1",
            "--format=%H %cs",
            &format!("--until={since}"),
            "HEAD",
            "--",
            "public_suffix_list.dat",
        ])?;
        let log = git(&[
            "log",
            "--first-parent",
            "--reverse",
            "--format=%H %cs",
            &format!("--since={since}"),
            "HEAD",
            "--",
            "public_suffix_list.dat",
        ])?;
        let lines: Vec<&str> = base.lines().chain(log.lines()).collect();
        if lines.len() > MAX_COMMITS {
            return Err(format!(
                "{} commits since {since}, more than the {MAX_COMMITS} a run reads: pick a later --psl-since",
                lines.len()
            ));
        }
        if lines.is_empty() {
            return Err(format!(
                "no commit of public_suffix_list.dat in {}",
                git_dir.display()
            ));
        }
        let mut revisions = Vec::new();
        for line in lines {
            let (hash, date) = line
                .split_once(' ')
                .ok_or_else(|| format!("unexpected git log line `{line}`"))?;
            let text = git(&["show", &format!("{hash}:public_suffix_list.dat")])?;
            if text.len() > MAX_LIST_BYTES {
                return Err(format!(
                    "{hash}: the list has more than {MAX_LIST_BYTES} bytes"
                ));
            }
            revisions.push((
                Commit {
                    hash: hash.to_owned(),
                    date: date.to_owned(),
                    in_history: true,
                },
                rules_of(&text),
            ));
        }
        let (v_text, v_commit, v_date) = vendored;
        let v_rules = rules_of(v_text);
        let known = revisions.iter().position(|(c, _)| c.hash == v_commit);
        match known {
            // The vendored list is a commit of the history: stop there.
            Some(i) => revisions.truncate(i + 1),
            None if revisions.last().is_some_and(|(_, r)| *r == v_rules) => {}
            None => revisions.push((
                Commit {
                    hash: v_commit.to_owned(),
                    date: v_date.to_owned(),
                    in_history: false,
                },
                v_rules,
            )),
        }
        Ok(Timeline::from_revisions(revisions))
    }

    /// The changes of commit `i`.
    pub fn changes_of(&self, i: usize) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.commit == i)
    }

    /// Whether a later commit than `c.commit` changes `c.rule` again.
    fn touched_later(&self, c: &Change) -> bool {
        self.changes
            .iter()
            .any(|o| o.commit > c.commit && o.rule == c.rule)
    }

    /// The date a commit is known by: its own, or the range it falls in when the
    /// history does not hold it.
    pub fn date_of(&self, i: usize) -> String {
        let c = &self.commits[i];
        if c.in_history {
            return c.date.clone();
        }
        let prev = i
            .checked_sub(1)
            .map(|p| self.commits[p].date.clone())
            .unwrap_or_default();
        format!("between {prev} and {}", c.date)
    }
}

/// Whether `domain` is a public suffix under `rules`.
pub fn is_public_suffix(rules: &dyn Fn(&str) -> bool, domain: &str) -> bool {
    suffix_labels(rules, domain) == domain.split('.').count()
}

/// Whether a browser lets a page at `page` claim `rp_id` (a suffix of it), as Chromium
/// and Firefox decide: the RP ID is not a public suffix, and it is longer than the
/// page's own public suffix (Chromium `OriginIsAllowedToClaimRelyingPartyId`,
/// kRejectRpIdsInsideCallersPublicSuffix; Firefox `Document::IsValidDomain`, which
/// compares with the caller's base domain). A page that is itself inside a public
/// suffix deeper than the RP ID is refused whatever the RP ID's own rule says.
pub fn claim_allowed(rules: &dyn Fn(&str) -> bool, page: &str, rp_id: &str) -> bool {
    let rp_labels = rp_id.split('.').count();
    !is_public_suffix(rules, rp_id) && suffix_labels(rules, page) < rp_labels
}

/// How many labels the public suffix of `domain` has under `rules` (the PSL algorithm:
/// the longest matching rule prevails, an exception beats every rule, no match means
/// the implicit `*`). Rules and domain compare in the list's spelling.
pub fn suffix_labels(rules: &dyn Fn(&str) -> bool, domain: &str) -> usize {
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    let mut longest = 1;
    let mut exception = None;
    for k in 1..=n {
        let suffix = labels[n - k..].join(".");
        if rules(&format!("!{suffix}")) {
            exception = Some(k - 1);
        }
        if rules(&suffix) {
            longest = longest.max(k);
        }
        if k >= 2 && rules(&format!("*.{}", labels[n - k + 1..].join("."))) {
            longest = longest.max(k);
        }
    }
    exception.unwrap_or(longest)
}

/// A page that shows whether a browser has one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The caller page's host (ASCII).
    pub page_host: String,
    /// The RP ID it claims (ASCII).
    pub rp_id: String,
    /// The browser refuses exactly when it has the rule (`false` for an exception rule:
    /// having it makes the name claimable).
    pub refuses_with_rule: bool,
}

/// The probe for `rule` with the rest of the list `context` around it, or why none
/// can show it.
pub fn probe_for(rule: &str, context: &dyn Fn(&str) -> bool) -> Result<Probe, String> {
    let name = if let Some(e) = rule.strip_prefix('!') {
        e.to_owned()
    } else if let Some(parent) = rule.strip_prefix("*.") {
        format!("rpscope.{parent}")
    } else {
        rule.to_owned()
    };
    if !name.contains('.') {
        return Err(
            "a single-label rule: the implicit `*` rule makes it a public suffix either way".into(),
        );
    }
    let with = |r: &str| r == rule || context(r);
    let without = |r: &str| r != rule && context(r);
    let page = format!("a.{name}");
    let (w, wo) = (
        claim_allowed(&with, &page, &name),
        claim_allowed(&without, &page, &name),
    );
    if w == wo {
        return Err("another rule decides the claim either way".into());
    }
    let ascii = match url::Host::parse(&name) {
        Ok(url::Host::Domain(d)) => d,
        _ => return Err(format!("`{name}` is not a host a page can have")),
    };
    let page_host = format!("a.{ascii}");
    if rustls::pki_types::DnsName::try_from(page_host.as_str()).is_err() {
        return Err(format!("`{page_host}` cannot be a TLS server name"));
    }
    Ok(Probe {
        page_host,
        rp_id: ascii,
        refuses_with_rule: !w,
    })
}

/// Runs probes: does the browser refuse `rp_id` on a page at `page_host`?
pub trait RuleOracle {
    /// `Ok(true)` when the browser refused the claim, `Ok(false)` when it allowed it.
    fn refuses(&mut self, page_host: &str, rp_id: &str) -> Result<bool, String>;
}

/// Probing limits and counts.
#[derive(Debug, Clone)]
pub struct Budget {
    /// The most probes.
    pub max_probes: usize,
    /// The deadline.
    pub deadline: Instant,
    /// Probes run so far.
    pub probes: usize,
}

impl Budget {
    /// A budget of `max_probes` probes and `time`.
    pub fn new(max_probes: usize, time: Duration) -> Budget {
        Budget {
            max_probes,
            deadline: Instant::now() + time,
            probes: 0,
        }
    }

    /// Whether the browser has `rule` (one probe).
    fn has(&mut self, oracle: &mut dyn RuleOracle, probe: &Probe) -> Result<bool, String> {
        if self.probes >= self.max_probes {
            return Err(format!(
                "stopped after {} probes (--psl-max-probes)",
                self.probes
            ));
        }
        if Instant::now() >= self.deadline {
            return Err(format!(
                "stopped at the time limit after {} probes",
                self.probes
            ));
        }
        self.probes += 1;
        Ok(oracle.refuses(&probe.page_host, &probe.rp_id)? == probe.refuses_with_rule)
    }
}

/// Where the bisect ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The newest commit whose changes the browser has (an index into the timeline).
    pub newest_included: usize,
    /// The oldest later commit with observable changes the browser lacks, if any.
    pub first_missing: Option<usize>,
}

/// The evidence a commit's inclusion is judged by: observable changes that no later
/// commit touched again (so "the browser has the change" means "it has the commit").
fn evidence(t: &Timeline, i: usize, context: &dyn Fn(&str) -> bool) -> Vec<(Change, Probe)> {
    t.changes_of(i)
        .filter(|c| !t.touched_later(c))
        .filter_map(|c| probe_for(&c.rule, context).ok().map(|p| (c.clone(), p)))
        .take(EVIDENCE_PER_COMMIT)
        .collect()
}

/// Whether the browser has commit `i`'s changes: every evidence rule in the state the
/// commit left it.
fn includes(
    t: &Timeline,
    i: usize,
    ev: &[(Change, Probe)],
    oracle: &mut dyn RuleOracle,
    budget: &mut Budget,
) -> Result<bool, String> {
    let mut votes = Vec::new();
    for (c, p) in ev {
        votes.push(budget.has(oracle, p)? == c.added);
    }
    match (votes.iter().all(|v| *v), votes.iter().any(|v| *v)) {
        (true, _) => Ok(true),
        (false, false) => Ok(false),
        _ => Err(format!(
            "commit {} ({}) is only partly in the browser's list: the list is not a snapshot of one commit",
            t.commits[i].hash,
            t.date_of(i)
        )),
    }
}

/// Finds the newest commit the browser includes, assuming its list is the list at one
/// commit (a prefix of the history). The base (index 0) is assumed included; commits
/// without observable evidence are skipped.
pub fn bisect(
    t: &Timeline,
    context: &dyn Fn(&str) -> bool,
    oracle: &mut dyn RuleOracle,
    budget: &mut Budget,
) -> Result<Found, String> {
    let testable: Vec<(usize, Vec<(Change, Probe)>)> = (1..t.commits.len())
        .map(|i| (i, evidence(t, i, context)))
        .filter(|(_, ev)| !ev.is_empty())
        .collect();
    if testable.is_empty() {
        return Ok(Found {
            newest_included: t.commits.len().saturating_sub(1),
            first_missing: None,
        });
    }
    // Invariant: testable[..lo] are included, testable[hi..] are not.
    let (mut lo, mut hi) = (0, testable.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (i, ev) = &testable[mid];
        if includes(t, *i, ev, oracle, budget)? {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if lo == 0 {
        let (i, _) = &testable[0];
        return Err(format!(
            "the browser lacks the first probed commit {} ({}): its list is older than the timeline's base; start earlier (--psl-since)",
            t.commits[*i].hash,
            t.date_of(*i)
        ));
    }
    let first_missing = testable.get(lo).map(|(i, _)| *i);
    // Every commit before the first missing one is included, untestable ones too.
    let newest_included = first_missing.map_or(t.commits.len() - 1, |m| m - 1);
    Ok(Found {
        newest_included,
        first_missing,
    })
}

/// The exact difference from the vendored list (the timeline's last rules).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Rules of the vendored list the browser lacks.
    pub lacks: Vec<RuleChange>,
    /// Rules the browser has that the vendored list does not.
    pub extra: Vec<RuleChange>,
    /// Rules changed after the found commit that no page can observe.
    pub unobservable: Vec<String>,
}

/// Probes every rule any commit after `after` changed, and holds each answer to the
/// vendored list.
pub fn exact_diff(
    t: &Timeline,
    after: usize,
    oracle: &mut dyn RuleOracle,
    budget: &mut Budget,
) -> Result<Diff, String> {
    let last = &t.last;
    let context = |r: &str| last.contains_key(r);
    // The latest change of each rule after `after`.
    let mut latest: BTreeMap<&str, &Change> = BTreeMap::new();
    for c in t.changes.iter().filter(|c| c.commit > after) {
        latest.insert(&c.rule, c);
    }
    let mut diff = Diff::default();
    for (rule, change) in latest {
        let probe = match probe_for(rule, &context) {
            Ok(p) => p,
            Err(_) => {
                diff.unobservable.push(rule.to_owned());
                continue;
            }
        };
        let has = budget.has(oracle, &probe)?;
        let in_vendored = last.contains_key(rule);
        if has == in_vendored {
            continue;
        }
        let entry = RuleChange {
            rule: rule.to_owned(),
            section: change.section.as_str().into(),
            commit: t.commits[change.commit]
                .in_history
                .then(|| t.commits[change.commit].hash.clone()),
            date: t.date_of(change.commit),
        };
        if in_vendored {
            diff.lacks.push(entry);
        } else {
            diff.extra.push(entry);
        }
    }
    Ok(diff)
}

/// Writes `record` into a snapshot file's text, replacing the entry with the same id and
/// keeping the others (`existing` is read with `rpscope_core::psl::read_snapshots`).
pub fn write_record(existing: &str, record: PslSnapshotRecord) -> Result<String, String> {
    let mut file: PslSnapshotFile = if existing.trim().is_empty() {
        PslSnapshotFile::default()
    } else {
        rpscope_core::psl::read_snapshots(existing).map_err(|e| e.to_string())?
    };
    file.snapshots.retain(|s| s.id != record.id);
    file.snapshots.push(record);
    file.snapshots.sort_by_key(|s| s.id);
    let body = toml::to_string(&file).map_err(|e| format!("cannot write TOML: {e}"))?;
    Ok(format!("{HEADER}\n{body}"))
}

/// The comment that opens `data/psl/snapshots.toml`.
pub const HEADER: &str = "\
# Each browser's copy of the Public Suffix List, as the vendored list plus a measured
# difference: `lacks` (rules of the vendored list the browser does not have, with the PSL
# commit that added them) and `extra` (rules it still has, with the commit that removed
# them). Written by `rpscope browser --psl-snapshot --write`; see docs/profiles.md.
";

/// The real oracle: one page per probe in a running browser.
pub struct BrowserOracle<'a> {
    /// The browser.
    pub driver: &'a mut dyn BrowserDriver,
    /// The server every host resolves to.
    pub server: &'a mut Server,
}

impl RuleOracle for BrowserOracle<'_> {
    fn refuses(&mut self, page_host: &str, rp_id: &str) -> Result<bool, String> {
        self.server.set_case(None, &[]).map_err(|e| e.to_string())?;
        let origin = format!("https://{page_host}");
        let plan = Plan {
            url: format!("{origin}/"),
            expected_origin: Some(origin.clone()),
            rp_id: Some(rp_id.to_owned()),
            well_known: None,
            port: Some(443),
            ip_hosts: Vec::new(),
            hop_ports: Vec::new(),
        };
        let outcome = self
            .driver
            .run(&plan, self.server)
            .map_err(|e| format!("{page_host} claiming {rp_id}: {e}"))?;
        let _ = self.server.take_log();
        if outcome.origin != origin {
            return Err(format!(
                "{page_host}: the page ended on {} instead",
                outcome.origin
            ));
        }
        match ceremony::classify(&outcome) {
            Answer::Verdict { verdict, .. } => Ok(verdict == rpscope_core::Verdict::Reject),
            Answer::Error(e) | Answer::Skipped(e) => {
                Err(format!("{page_host} claiming {rp_id}: {e}"))
            }
        }
    }
}

/// The rules a set holds, for [`is_public_suffix`] and [`probe_for`].
pub fn lookup(rules: &RuleSet) -> impl Fn(&str) -> bool + '_ {
    move |r| rules.contains_key(r)
}

/// Rules in a set, for tests and reports.
pub fn names(rules: &RuleSet) -> HashSet<&str> {
    rules.keys().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(rules: &[&str]) -> RuleSet {
        rules
            .iter()
            .map(|r| (r.to_string(), Section::Private))
            .collect()
    }

    fn commit(i: usize) -> Commit {
        Commit {
            hash: format!("{i:040}"),
            date: format!("2026-01-{:02}", i + 1),
            in_history: true,
        }
    }

    /// Five revisions: c1 adds a.com and *.w.com, c2 adds b.com and removes old.com,
    /// c3 adds only a TLD (unobservable), c4 adds c.com, !x.w.com and e.com.
    fn timeline() -> Timeline {
        let base = ["com", "old.com", "ck", "*.ck", "!www.ck"];
        let mut revs = Vec::new();
        let mut rules: Vec<&str> = base.to_vec();
        revs.push((commit(0), set(&rules)));
        rules.extend(["a.com", "*.w.com"]);
        revs.push((commit(1), set(&rules)));
        rules.retain(|r| *r != "old.com");
        rules.push("b.com");
        revs.push((commit(2), set(&rules)));
        rules.push("newtld");
        revs.push((commit(3), set(&rules)));
        rules.extend(["c.com", "!x.w.com", "e.com"]);
        revs.push((commit(4), set(&rules)));
        Timeline::from_revisions(revs)
    }

    /// A browser whose list is `rules`.
    struct Fake {
        rules: RuleSet,
        calls: usize,
    }

    impl RuleOracle for Fake {
        fn refuses(&mut self, page: &str, rp_id: &str) -> Result<bool, String> {
            self.calls += 1;
            Ok(!claim_allowed(&lookup(&self.rules), page, rp_id))
        }
    }

    #[test]
    fn sections_and_rules_are_read() {
        let r = rules_of("// c\n// ===BEGIN ICANN DOMAINS===\ncom\n\n// ===END ICANN DOMAINS===\n// ===BEGIN PRIVATE DOMAINS===\ngithub.io  // trailing\n!www.ck\n");
        assert_eq!(r.get("com"), Some(&Section::Icann));
        assert_eq!(r.get("github.io"), Some(&Section::Private));
        assert_eq!(r.get("!www.ck"), Some(&Section::Private));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn a_timeline_lists_additions_and_removals_by_commit() {
        let t = timeline();
        let of = |i| {
            let mut v: Vec<String> = t
                .changes_of(i)
                .map(|c| format!("{}{}", if c.added { "+" } else { "-" }, c.rule))
                .collect();
            v.sort();
            v
        };
        assert_eq!(of(1), ["+*.w.com", "+a.com"]);
        assert_eq!(of(2), ["+b.com", "-old.com"]);
        assert_eq!(of(3), ["+newtld"]);
        assert_eq!(of(4), ["+!x.w.com", "+c.com", "+e.com"]);
        assert!(t.last.contains_key("e.com") && !t.last.contains_key("old.com"));
    }

    #[test]
    fn the_psl_algorithm_agrees_with_the_core_on_the_vendored_list() {
        let text = rpscope_core::PublicSuffixList::vendored_text();
        let rules = rules_of(text);
        let core = rpscope_core::PublicSuffixList::vendored();
        for d in [
            "github.io",
            "me.github.io",
            "co.uk",
            "example.co.uk",
            "ck",
            "bar.ck",
            "www.ck",
            "lan",
            "com",
            "example.com",
            "a.b.kawasaki.jp",
            "city.kawasaki.jp",
        ] {
            let core_says = core.public_suffix(d) == Some(d);
            assert_eq!(is_public_suffix(&lookup(&rules), d), core_says, "{d}");
        }
    }

    #[test]
    fn probes_for_each_kind_of_rule() {
        let ctx = set(&["com", "ck", "*.ck", "w.com"]);
        let p = probe_for("a.com", &lookup(&ctx)).unwrap();
        assert_eq!(
            (p.page_host.as_str(), p.rp_id.as_str(), p.refuses_with_rule),
            ("a.a.com", "a.com", true)
        );
        let p = probe_for("*.w.com", &lookup(&ctx)).unwrap();
        assert_eq!(
            (p.page_host.as_str(), p.rp_id.as_str(), p.refuses_with_rule),
            ("a.rpscope.w.com", "rpscope.w.com", true)
        );
        let p = probe_for("!www.ck", &lookup(&ctx)).unwrap();
        assert_eq!((p.rp_id.as_str(), p.refuses_with_rule), ("www.ck", false));
        assert!(probe_for("newtld", &lookup(&ctx))
            .unwrap_err()
            .contains("single-label"));
        // `*.ck` already makes `x.ck` a public suffix.
        assert!(probe_for("x.ck", &lookup(&ctx))
            .unwrap_err()
            .contains("either way"));
        // `*.v.com` makes `a.v.com` a public suffix: no page under `v.com` can claim
        // it, whether `v.com` is a rule or not (measured: aivencloud.com).
        let wild = set(&["com", "*.v.com"]);
        assert!(probe_for("v.com", &lookup(&wild))
            .unwrap_err()
            .contains("either way"));
        assert!(!claim_allowed(&lookup(&wild), "a.v.com", "v.com"));
        assert!(!claim_allowed(&lookup(&wild), "a.b.v.com", "b.v.com"));
        assert!(claim_allowed(&lookup(&wild), "a.b.c.v.com", "b.c.v.com"));
        // IDN rules probe in punycode.
        let p = probe_for("公司.cn", &lookup(&set(&["cn"]))).unwrap();
        assert_eq!(p.rp_id, "xn--55qx5d.cn");
    }

    #[test]
    fn bisect_finds_the_newest_included_commit_for_every_cut() {
        let t = timeline();
        for cut in 1..t.commits.len() {
            // A browser whose list is the list at commit `cut`.
            let mut rules = set(&["com", "old.com", "ck", "*.ck", "!www.ck"]);
            for c in t.changes.iter().filter(|c| c.commit <= cut) {
                if c.added {
                    rules.insert(c.rule.clone(), c.section);
                } else {
                    rules.remove(&c.rule);
                }
            }
            let mut fake = Fake { rules, calls: 0 };
            let mut budget = Budget::new(100, Duration::from_secs(60));
            let found = bisect(&t, &lookup(&t.last), &mut fake, &mut budget).unwrap();
            // Commit 3 has nothing observable: a browser cut there looks cut at 2 or 3.
            let want = if cut == 2 || cut == 3 { 3 } else { cut };
            assert_eq!(found.newest_included, want, "cut {cut}");
            assert!(fake.calls <= 2 * EVIDENCE_PER_COMMIT + 2, "{}", fake.calls);

            let diff = exact_diff(&t, found.newest_included, &mut fake, &mut budget).unwrap();
            let lacks: Vec<&str> = diff.lacks.iter().map(|c| c.rule.as_str()).collect();
            let want_lacks: Vec<&str> = match cut {
                1 => vec!["!x.w.com", "b.com", "c.com", "e.com"],
                2 | 3 => vec!["!x.w.com", "c.com", "e.com"],
                _ => vec![],
            };
            assert_eq!(lacks, want_lacks, "cut {cut}");
            let extra: Vec<&str> = diff.extra.iter().map(|c| c.rule.as_str()).collect();
            assert_eq!(
                extra,
                if cut == 1 { vec!["old.com"] } else { vec![] },
                "cut {cut}"
            );
            if cut == 1 {
                assert_eq!(diff.lacks[1].date, "2026-01-03");
                assert_eq!(diff.extra[0].date, "2026-01-03", "removed by commit 2");
                assert_eq!(diff.unobservable, ["newtld"]);
            }
        }
    }

    #[test]
    fn a_browser_older_than_the_base_or_a_mixed_list_is_an_error() {
        let t = timeline();
        let mut fake = Fake {
            rules: set(&["com", "ck", "*.ck"]),
            calls: 0,
        };
        let mut budget = Budget::new(100, Duration::from_secs(60));
        let err = bisect(&t, &lookup(&t.last), &mut fake, &mut budget).unwrap_err();
        assert!(
            err.contains("older than") || err.contains("partly"),
            "{err}"
        );
        // Budget bounds.
        let mut fake = Fake {
            rules: t.last.clone(),
            calls: 0,
        };
        let mut none = Budget::new(0, Duration::from_secs(60));
        assert!(bisect(&t, &lookup(&t.last), &mut fake, &mut none)
            .unwrap_err()
            .contains("probes"));
        let mut late = Budget::new(100, Duration::ZERO);
        assert!(bisect(&t, &lookup(&t.last), &mut fake, &mut late)
            .unwrap_err()
            .contains("time"));
    }

    #[test]
    fn the_data_file_round_trips() {
        let record = PslSnapshotRecord {
            id: rpscope_model::PslSnapshotId::Chromium156,
            browser: "chromium 156.0.8078.129".into(),
            psl_commit: "e8c9a2b2b2856b6449999dd0ec0d118f364ed0cd".into(),
            psl_commit_date: "2026-08-19".into(),
            first_missing_commit: None,
            method: "test".into(),
            measured: "2026-12-06".into(),
            probes: 3,
            unobservable: vec!["juniper".into()],
            lacks: vec![RuleChange {
                rule: "github.io".into(),
                section: "private".into(),
                commit: Some("abc".into()),
                date: "2014-01-01".into(),
            }],
            extra: vec![],
        };
        let text = write_record("", record.clone()).unwrap();
        assert!(text.starts_with("# Each browser's copy"));
        let back = rpscope_core::psl::read_snapshots(&text).unwrap();
        assert_eq!(back.snapshots, vec![record.clone()]);
        // Writing again replaces the entry instead of adding one.
        let mut newer = record;
        newer.probes = 9;
        let again = write_record(&text, newer).unwrap();
        let back = rpscope_core::psl::read_snapshots(&again).unwrap();
        assert_eq!(back.snapshots.len(), 1);
        assert_eq!(back.snapshots[0].probes, 9);
        assert!(write_record("[[snapshot]]\nid = 1\n", back.snapshots[0].clone()).is_err());
    }
}
