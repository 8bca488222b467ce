//! `rpscope browser`: the client-side corpus replayed in real browsers (the browser
//! oracle, crate `rpscope-browser`), with each verdict beside the profile's expectation.

use crate::conformance::load_corpus;
use crate::{CliError, Exit};
use rpscope_browser::analysis::Analysis;
use rpscope_browser::annotations::Annotations;
use rpscope_browser::chromium::{Chromium, ChromiumOptions};
use rpscope_browser::target::{BrowserTarget, CaseRecord, Launcher};
use rpscope_browser::BrowserDriver;
use rpscope_corpus::report::{self, Format};
use rpscope_corpus::Actual;
use rpscope_corpus::{Corpus, KnownDivergences, Report, Selection, Side};
use rpscope_model::Browser;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Parses `--browser`: a browser's name, or `all`.
pub fn parse_browsers(name: &str) -> Result<Vec<Browser>, CliError> {
    if name == "all" {
        return Ok(Browser::ALL.to_vec());
    }
    Browser::from_name(name).map(|b| vec![b]).ok_or_else(|| {
        let names: Vec<&str> = Browser::ALL.iter().map(|b| b.as_str()).collect();
        CliError::new(format!(
            "unknown browser `{name}` (expected {} or all)",
            names.join(", ")
        ))
    })
}

/// What `rpscope browser` was asked for.
#[derive(Debug, Clone)]
pub struct Args<'a> {
    /// The browsers, in order.
    pub browsers: Vec<Browser>,
    /// Only ids containing this.
    pub filter: Option<&'a str>,
    /// The report format.
    pub format: Format,
    /// A corpus directory instead of the embedded corpus (and where `--record` writes).
    pub corpus: Option<&'a Path>,
    /// The annotation file (default `corpus/browsers/annotations.toml` when present).
    pub annotations: Option<&'a Path>,
    /// Write measured verdicts back into the corpus files.
    pub record: bool,
    /// Write the measured-results section of this Markdown file.
    pub write_docs: Option<&'a Path>,
    /// Every request and page report in the output.
    pub verbose: bool,
    /// Unclassified disagreements fail the run too.
    pub strict: bool,
    /// Keep Chromium's FIDO log in its run directory (for debugging the oracle).
    pub fido_log: bool,
}

/// One browser's run.
#[derive(Debug, Serialize)]
pub struct BrowserRun {
    /// The analysis: disagreements, gate, counts.
    #[serde(flatten)]
    pub analysis: Analysis,
    /// Seconds from browser start to the last case.
    pub elapsed_s: f64,
    /// Seconds to start the browser.
    pub startup_s: f64,
    /// Cases per second (cases run / elapsed).
    pub cases_per_second: f64,
    /// Browser restarts after a failure.
    pub restarts: usize,
    /// The conformance report (profile = the browser).
    pub report: Report,
    /// Every case's page report and requests (with `--verbose`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<CaseRecord>,
}

const DEFAULT_ANNOTATIONS: &str = "corpus/browsers/annotations.toml";
const DEFAULT_CORPUS_DIR: &str = "corpus";

/// Runs the oracle and prints the report. Exit 1 when a case recorded as measured
/// disagrees with what the browser does now, a case errored, or (with `strict`) a
/// disagreement is unclassified.
pub fn run(args: Args<'_>) -> Result<Exit, CliError> {
    // --record writes where the corpus was read, so it reads the corpus directory
    // (./corpus unless --corpus names one), never the copy embedded in the binary.
    let corpus_dir = match (args.corpus, args.record) {
        (Some(dir), _) => Some(dir),
        (None, true) => Some(Path::new(DEFAULT_CORPUS_DIR)),
        (None, false) => None,
    };
    let corpus = load_corpus(corpus_dir)?;
    let annotations = load_annotations(args.annotations)?;
    let selected = corpus
        .client_cases()
        .filter(|(_, c)| args.filter.is_none_or(|f| c.id.contains(f)))
        .count();
    if selected == 0 {
        return Err(CliError::new(match args.filter {
            Some(f) => format!("no client-side case id contains `{f}`"),
            None => "the corpus has no client-side cases".into(),
        }));
    }
    let mut runs = Vec::new();
    for which in &args.browsers {
        runs.push(run_one(*which, &corpus, selected, &args, &annotations)?);
    }
    let mut out = String::new();
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                browsers: &'a [BrowserRun],
            }
            out = serde_json::to_string_pretty(&Doc { browsers: &runs })
                .map_err(|e| CliError::new(format!("cannot write JSON: {e}")))?;
            out.push('\n');
        }
        Format::Junit => out = report::render(&merged(&runs), Format::Junit),
        Format::Markdown => {
            out.push_str(&report::render(&merged(&runs), Format::Markdown));
            for r in &runs {
                out.push_str(&markdown_findings(r));
            }
        }
        Format::Human => {
            for r in &runs {
                out.push_str(&human(r, args.verbose));
            }
        }
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| CliError::io("write the report", e))?;

    if args.record {
        let dir = corpus_dir.unwrap_or(Path::new(DEFAULT_CORPUS_DIR));
        for r in &runs {
            let recorded = rpscope_browser::record::record(dir, &measurements_of(r))
                .map_err(CliError::Browser)?;
            eprintln!(
                "rpscope browser: recorded {} {} measurement(s) in {} file(s) ({} unchanged)",
                recorded.written.len(),
                r.analysis.browser,
                recorded.files.len(),
                recorded.unchanged,
            );
        }
    }
    if let Some(path) = args.write_docs {
        write_docs(path, &runs)?;
        eprintln!(
            "rpscope browser: wrote the measured results into {}",
            path.display()
        );
    }

    let mut failing = false;
    for r in &runs {
        let a = &r.analysis;
        let errors = a.totals.errors;
        if (!a.mismatches.is_empty() && !args.record) || errors > 0 {
            failing = true;
        }
        if args.strict && a.unclassified() > 0 {
            failing = true;
        }
        eprintln!(
            "rpscope browser: {} {}: {} cases in {:.1} s ({:.1} cases/s): {} agree, {} disagree ({} unclassified), {} skipped, {} errors; {} measured-verdict mismatches",
            a.browser,
            a.version,
            a.totals.cases,
            r.elapsed_s,
            r.cases_per_second,
            a.totals.agree,
            a.totals.disagree,
            a.unclassified(),
            a.totals.skipped,
            errors,
            a.mismatches.len()
        );
    }
    Ok(if failing {
        Exit::Finding
    } else {
        Exit::Success
    })
}

fn measurements_of(r: &BrowserRun) -> Vec<rpscope_browser::record::NewMeasurement> {
    r.analysis.measurements(&r.records)
}

fn load_annotations(path: Option<&Path>) -> Result<Annotations, CliError> {
    let path: PathBuf = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_ANNOTATIONS);
            if !default.is_file() {
                return Ok(Annotations::default());
            }
            default
        }
    };
    let text = crate::input::read_text(&path, &crate::input::MANIFEST)?;
    Annotations::parse(&text).map_err(|e| CliError::new(format!("{}: {e}", path.display())))
}

/// Starts `which` against a server (the oracle's launcher).
pub fn launcher(which: Browser, fido_log: bool) -> Launcher {
    match which {
        Browser::Chromium => Box::new(move |server| {
            let options = ChromiumOptions {
                binary: None,
                fido_log,
            };
            Chromium::start(server, &options).map(|c| Box::new(c) as Box<dyn BrowserDriver>)
        }),
        Browser::Firefox => Box::new(|server| {
            rpscope_browser::firefox::Firefox::start(server, &Default::default())
                .map(|f| Box::new(f) as Box<dyn BrowserDriver>)
        }),
        other => Box::new(move |_| Err(format!("the oracle has no driver for {other} yet"))),
    }
}

fn run_one(
    which: Browser,
    corpus: &Corpus,
    selected: usize,
    args: &Args<'_>,
    annotations: &Annotations,
) -> Result<BrowserRun, CliError> {
    let started = Instant::now();
    let mut target = BrowserTarget::start(launcher(which, args.fido_log))
        .map_err(|e| CliError::new(format!("cannot start {}: {e}", which.as_str())))?;
    let startup_s = started.elapsed().as_secs_f64();
    eprintln!(
        "rpscope browser: {} {} started in {startup_s:.1} s; {selected} client-side cases",
        which.as_str(),
        target.version()
    );
    let verbose = args.verbose;
    let mut done = 0usize;
    target.set_progress(Box::new(move |record| {
        done += 1;
        if verbose {
            eprintln!(
                "[{done}/{selected}] {} {}: {} ({:.0} ms)",
                record.browser, record.id, record.answer, record.elapsed_ms
            );
        } else if done % 50 == 0 || done == selected {
            eprintln!("[{done}/{selected}] {}", record.browser);
        }
    }));
    let selection = Selection {
        filter: args.filter,
        profile: Some(which.profile()),
        side: Some(Side::Client),
    };
    let report = rpscope_corpus::run(corpus, &mut target, &selection, &KnownDivergences::none());
    let elapsed_s = started.elapsed().as_secs_f64();
    let analysis = Analysis::new(corpus, &report, which, target.version(), annotations);
    let records = if verbose || args.record || args.format == Format::Json {
        target.records().to_vec()
    } else {
        Vec::new()
    };
    Ok(BrowserRun {
        analysis,
        startup_s,
        cases_per_second: report.total as f64 / elapsed_s.max(f64::EPSILON),
        elapsed_s,
        restarts: target.restarts(),
        report,
        records: if verbose || args.format != Format::Json {
            records
        } else {
            // JSON without --verbose keeps the page reports but not the request logs.
            records
                .into_iter()
                .map(|mut r| {
                    r.requests.clear();
                    r
                })
                .collect()
        },
    })
}

fn merged(runs: &[BrowserRun]) -> Report {
    let mut results = Vec::new();
    let mut names = Vec::new();
    let (mut total, mut passed, mut failed, mut skipped) = (0, 0, 0, 0);
    for r in runs {
        names.push(r.report.target.clone());
        results.extend(r.report.results.iter().cloned());
        total += r.report.total;
        passed += r.report.passed;
        failed += r.report.failed;
        skipped += r.report.skipped;
    }
    Report {
        target: names.join(" + "),
        total,
        passed,
        failed,
        skipped,
        known_divergences: 0,
        stale_divergences: Vec::new(),
        results,
        stopped: runs.iter().find_map(|r| r.report.stopped.clone()),
    }
}

fn human(r: &BrowserRun, verbose: bool) -> String {
    let a = &r.analysis;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: every client-side case, the browser's verdict beside the `{}` profile's expectation",
        a.browser, a.version, a.browser
    );
    let width = r
        .report
        .results
        .iter()
        .map(|x| x.id.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "  {:<width$}  {:<10}  {:<8}  status",
        "case", "expected", a.browser
    );
    for res in &r.report.results {
        let status = match res.status {
            rpscope_corpus::Status::Pass => "agree",
            rpscope_corpus::Status::Fail => "DISAGREE",
            rpscope_corpus::Status::Skip => "skip",
            _ => "ERROR",
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<10}  {:<8}  {status}",
            res.id,
            res.expected.as_str(),
            res.actual
        );
        let show = verbose || !matches!(res.status, rpscope_corpus::Status::Pass);
        if let (true, Some(e)) = (show, &res.explanation) {
            let _ = writeln!(out, "  {:<width$}    {e}", "");
        }
        if verbose {
            if let Some(rec) = r.records.iter().find(|x| x.id == res.id) {
                for q in &rec.requests {
                    let _ = writeln!(
                        out,
                        "  {:<width$}    {} {} {} host={} -> {}",
                        "",
                        if q.tls { "https" } else { "http" },
                        q.method,
                        q.target,
                        q.host().unwrap_or("-"),
                        q.answer
                    );
                }
            }
        }
    }
    out.push('\n');
    out.push_str(&findings_text(r));
    out
}

fn findings_text(r: &BrowserRun) -> String {
    let a = &r.analysis;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} disagreement(s) with the `{}` profile:",
        a.disagreements.len(),
        a.browser
    );
    for d in &a.disagreements {
        let _ = writeln!(
            out,
            "  [{}] {}: expected {}, {} {}",
            d.class,
            d.id,
            d.expected.as_str(),
            a.browser,
            d.actual
        );
        if let Some(n) = &d.note {
            let _ = writeln!(out, "      {n}");
        }
    }
    let _ = writeln!(
        out,
        "{} case(s) recorded as measured that {} no longer reproduces:",
        a.mismatches.len(),
        a.browser
    );
    for m in &a.mismatches {
        let _ = writeln!(out, "  {}: recorded {}, now {}", m.id, m.recorded, m.now);
        if let Some(e) = &m.explanation {
            let _ = writeln!(out, "      {e}");
        }
    }
    if !a.stale_annotations.is_empty() {
        let _ = writeln!(
            out,
            "annotations whose case no longer disagrees (or did not run): {}",
            a.stale_annotations.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{} cases: {} agree, {} disagree, {} skipped, {} errors; {} `acceptable` cases settled by measurement; {} verdicts not yet recorded (--record)\n",
        a.totals.cases,
        a.totals.agree,
        a.totals.disagree,
        a.totals.skipped,
        a.totals.errors,
        a.acceptable_settled.len(),
        a.unrecorded
    );
    out
}

fn markdown_findings(r: &BrowserRun) -> String {
    let a = &r.analysis;
    let mut out = String::new();
    let _ = writeln!(out, "\n### {} {}: disagreements\n", a.browser, a.version);
    if a.disagreements.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| case | expected | browser | classification |\n|---|---|---|---|\n");
        for d in &a.disagreements {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                d.id,
                d.expected.as_str(),
                d.actual,
                d.class
            );
        }
    }
    if !a.mismatches.is_empty() {
        let _ = writeln!(
            out,
            "\n**Measured-verdict mismatches: {}**\n",
            a.mismatches.len()
        );
        for m in &a.mismatches {
            let _ = writeln!(out, "- `{}`: recorded {}, now {}", m.id, m.recorded, m.now);
        }
    }
    out
}

const BEGIN: &str =
    "<!-- rpscope browser --write-docs: begin (generated; edit outside these markers) -->";
const END: &str = "<!-- rpscope browser --write-docs: end -->";

fn write_docs(path: &Path, runs: &[BrowserRun]) -> Result<(), CliError> {
    let mut section = String::new();
    let _ = writeln!(section, "{BEGIN}");
    for r in runs {
        section.push_str(&docs_section(r));
    }
    let _ = write!(section, "{END}");
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let new = match (existing.find(BEGIN), existing.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!(
                "{}{}{}",
                &existing[..b],
                section,
                &existing[e + END.len()..]
            )
        }
        _ if existing.is_empty() => format!("# Browser oracle: measured results\n\n{section}\n"),
        _ => format!("{}\n\n{section}\n", existing.trim_end()),
    };
    std::fs::write(path, new)
        .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))
}

fn docs_section(r: &BrowserRun) -> String {
    let a = &r.analysis;
    let mut out = String::new();
    let _ = writeln!(out, "\n### {} {}\n", a.browser, a.version);
    let _ = writeln!(
        out,
        "{} client-side cases in {:.1} s ({:.1} cases/s; browser start {:.1} s; {} restart(s)). \
Verdicts beside the `{}` profile: {} agree, {} disagree ({} unclassified), {} skipped, {} errors. \
{} `acceptable` cases settled by measurement.\n",
        a.totals.cases,
        r.elapsed_s,
        r.cases_per_second,
        r.startup_s,
        r.restarts,
        a.browser,
        a.totals.agree,
        a.totals.disagree,
        a.unclassified(),
        a.totals.skipped,
        a.totals.errors,
        a.acceptable_settled.len()
    );
    out.push_str("| topic | cases | accept | reject | agree | disagree | `acceptable` settled | skipped | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let row = |out: &mut String, name: &str, c: &rpscope_browser::analysis::TopicCounts| {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.cases,
            c.accept,
            c.reject,
            c.agree,
            c.disagree,
            c.acceptable_settled,
            c.skipped,
            c.errors
        );
    };
    for (topic, c) in &a.topics {
        row(&mut out, topic, c);
    }
    row(&mut out, "**total**", &a.totals);
    let _ = writeln!(out, "\nDisagreements with the `{}` profile:\n", a.browser);
    if a.disagreements.is_empty() {
        out.push_str("None.\n");
    }
    for d in &a.disagreements {
        let _ = writeln!(
            out,
            "- **{}** `{}`: expected {}, {} {}{}",
            d.class,
            d.id,
            d.expected.as_str(),
            a.browser,
            d.actual,
            d.explanation
                .as_deref()
                .map(|e| format!(" ({})", e.replace('|', "\\|")))
                .unwrap_or_default()
        );
        if let Some(n) = &d.note {
            let _ = writeln!(out, "  {n}");
        }
    }
    let _ = writeln!(
        out,
        "\n`acceptable` cases settled by measurement ({}), for review (see \"Findings for review\"):\n",
        a.acceptable_settled.len()
    );
    for (id, verdict) in &a.acceptable_settled {
        let _ = writeln!(out, "- `{id}`: {} {verdict}", a.browser);
    }
    let skipped: Vec<&rpscope_corpus::run::CaseResult> = r
        .report
        .results
        .iter()
        .filter(|x| x.actual == Actual::Skipped)
        .collect();
    let _ = writeln!(out, "\nSkipped ({}):\n", skipped.len());
    for s in skipped {
        let _ = writeln!(
            out,
            "- `{}`: {}",
            s.id,
            s.explanation.as_deref().unwrap_or("")
        );
    }
    out
}
