//! `rpscope browser --psl-snapshot`: measures which Public Suffix List a browser uses
//! (crate `rpscope-browser`, module `psl_snapshot`) and writes `data/psl/snapshots.toml`.

use crate::browser::launcher;
use crate::{CliError, Exit};
use rpscope_browser::psl_snapshot::{
    bisect, exact_diff, lookup, write_record, BrowserOracle, Budget, Timeline,
};
use rpscope_browser::server::Server;
use rpscope_core::psl::MAX_SNAPSHOT_FILE_BYTES;
use rpscope_core::PublicSuffixList;
use rpscope_model::{Browser, PslSnapshotId, PslSnapshotRecord};
use std::path::Path;
use std::time::{Duration, Instant};

/// The vendored list, as the profiles use it (embedded in the core, so a packaged
/// crate carries it too).
const VENDORED: &str = PublicSuffixList::vendored_text();

/// Where `--write` puts the result unless `--psl-out` says otherwise.
pub const DEFAULT_OUT: &str = "data/psl/snapshots.toml";

/// What `rpscope browser --psl-snapshot` was asked for.
#[derive(Debug, Clone)]
pub struct Args<'a> {
    /// The browsers, in order.
    pub browsers: Vec<Browser>,
    /// The `publicsuffix/list` git directory.
    pub git: &'a Path,
    /// The timeline's start (`YYYY-MM-DD`).
    pub since: &'a str,
    /// The most probes per browser.
    pub max_probes: usize,
    /// The time limit per browser.
    pub time_limit: Duration,
    /// Write the result into this file.
    pub write: Option<&'a Path>,
    /// Today's date for the record (`YYYY-MM-DD`).
    pub today: String,
}

/// Runs the measurement for every browser, prints each result (TOML) and, with `write`,
/// records it. Exit 0 on success; 3 when a bound (probes, time) or a broken browser
/// stops a run (nothing is written then); 2 when the history cannot be read or a
/// browser cannot start.
pub fn run(args: Args<'_>) -> Result<Exit, CliError> {
    let vendored = PublicSuffixList::vendored();
    let (commit, version) = (
        vendored.commit().unwrap_or_default().to_owned(),
        vendored.version().unwrap_or_default().to_owned(),
    );
    let v_date = version.get(..10).unwrap_or_default().to_owned();
    let read = Instant::now();
    let timeline = Timeline::from_git(args.git, args.since, (VENDORED, &commit, &v_date))
        .map_err(|e| CliError::new(format!("--psl-git {}: {e}", args.git.display())))?;
    eprintln!(
        "rpscope browser: PSL history since {}: {} commits, {} rule changes ({} in the history, then the vendored list {} of {v_date}) read in {:.1} s",
        args.since,
        timeline.commits.len(),
        timeline.changes.len(),
        timeline.commits.iter().filter(|c| c.in_history).count(),
        &commit.get(..12).unwrap_or_default(),
        read.elapsed().as_secs_f64()
    );
    let mut records = Vec::new();
    for &which in &args.browsers {
        match measure(which, &timeline, &args)? {
            Ok(r) => records.push(r),
            Err(why) => {
                // A bound or a broken browser stopped the run: nothing is written.
                eprintln!("rpscope browser: {which}: {why}; nothing written");
                return Ok(Exit::Stopped);
            }
        }
    }
    for r in &records {
        let text = write_record("", r.clone()).map_err(CliError::new)?;
        print!("{text}");
    }
    if let Some(path) = args.write {
        let mut text = match std::fs::metadata(path) {
            Ok(_) => crate::input::read_text(
                path,
                &crate::input::Cap {
                    what: "a PSL snapshot file",
                    max_bytes: MAX_SNAPSHOT_FILE_BYTES as u64,
                },
            )?,
            Err(_) => String::new(),
        };
        for r in records {
            text = write_record(&text, r)
                .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
        }
        std::fs::write(path, text)
            .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("rpscope browser: wrote {}", path.display());
    }
    Ok(Exit::Success)
}

fn measure(
    which: Browser,
    timeline: &Timeline,
    args: &Args<'_>,
) -> Result<Result<PslSnapshotRecord, String>, CliError> {
    let started = Instant::now();
    let mut server = Server::start().map_err(|e| CliError::Browser(e.into()))?;
    let mut start = launcher(which, false);
    let mut driver =
        start(&mut server).map_err(|e| CliError::new(format!("cannot start {which}: {e}")))?;
    let version = driver.version().to_owned();
    eprintln!("rpscope browser: {which} {version}: bisecting the PSL history");
    let mut budget = Budget::new(args.max_probes, args.time_limit);
    let found = {
        let mut oracle = BrowserOracle {
            driver: driver.as_mut(),
            server: &mut server,
        };
        let context = lookup(&timeline.last);
        match bisect(timeline, &context, &mut oracle, &mut budget) {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        }
    };
    let bisect_probes = budget.probes;
    let base = &timeline.commits[found.newest_included];
    eprintln!(
        "rpscope browser: {which}: newest PSL commit included {} ({}) after {bisect_probes} probes; probing every rule changed since the base",
        base.hash,
        timeline.date_of(found.newest_included)
    );
    let diff = {
        let mut oracle = BrowserOracle {
            driver: driver.as_mut(),
            server: &mut server,
        };
        // Every rule changed since the base, not only after the commit found: the
        // difference then does not rest on the bisect's assumption that the browser's
        // list is the list at one commit (a cherry-picked rule shows up too).
        match exact_diff(timeline, 0, &mut oracle, &mut budget) {
            Ok(diff) => diff,
            Err(e) => return Ok(Err(e)),
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "rpscope browser: {which} {version}: {} probes ({bisect_probes} to bisect) in {elapsed:.1} s; lacks {} rule(s), has {} extra, {} unobservable",
        budget.probes,
        diff.lacks.len(),
        diff.extra.len(),
        diff.unobservable.len()
    );
    let major = version.split('.').next().unwrap_or_default();
    Ok(Ok(PslSnapshotRecord {
        id: PslSnapshotId::of_browser(which),
        browser: format!("{which} {version}"),
        psl_commit: base.hash.clone(),
        psl_commit_date: timeline.date_of(found.newest_included),
        first_missing_commit: found
            .first_missing
            .map(|i| timeline.commits[i].hash.clone()),
        method: format!(
            "rpscope browser --browser {which} --psl-snapshot --psl-since {}: bisected the publicsuffix/list history (first parent) by probing rules each commit changed (a page at https://a.<name> claims <name> as its RP ID; the browser refuses exactly when <name> is a public suffix of its list), then probed every rule changed since {} (the diff does not rest on the bisect); {} probes, {elapsed:.0} s (major version {major})",
            args.since, args.since, budget.probes
        ),
        measured: args.today.clone(),
        probes: budget.probes,
        unobservable: diff.unobservable,
        lacks: diff.lacks,
        extra: diff.extra,
    }))
}

/// Today's UTC date, `YYYY-MM-DD` (for the record's `measured`).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
        assert_eq!(super::civil_date(20_793), "2026-12-06");
    }
}
