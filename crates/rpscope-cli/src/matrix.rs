//! `rpscope matrix`: every adapter in `adapters/adapters.toml` over the corpus,
//! rendered as `docs/results.md`.

use crate::conformance::{load_corpus, run_target, TargetSpec};
use crate::{CliError, Exit};
use rpscope_adapter::matrix::{render, Counts, Entry};
use rpscope_adapter::protocol::Implementation;
use rpscope_core::PslSnapshots;
use rpscope_corpus::{KnownDivergences, Selection};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// `adapters/adapters.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The adapters, in report order.
    #[serde(rename = "adapter")]
    pub adapters: Vec<ManifestEntry>,
}

/// One adapter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Short name (its directory under `adapters/`).
    pub name: String,
    /// The library and its pinned version.
    pub library: String,
    /// One command installing the pinned library.
    pub install: String,
    /// The adapter command line.
    pub command: String,
}

/// What `rpscope matrix` was asked for.
pub struct Args<'a> {
    /// The manifest.
    pub manifest: &'a Path,
    /// Only these adapters (by name); all when empty.
    pub only: &'a [String],
    /// Run each adapter's install command first.
    pub install: bool,
    /// Write the Markdown here instead of stdout.
    pub write: Option<&'a Path>,
    /// Also write every report as one JSON document here.
    pub json: Option<&'a Path>,
    /// Only case ids containing this.
    pub filter: Option<&'a str>,
    /// Per-case deadline.
    pub timeout: Duration,
    /// Exit 1 when any library has a finding or error.
    pub strict: bool,
}

/// Reads the manifest.
pub fn read_manifest(path: &Path) -> Result<Manifest, CliError> {
    let text = crate::input::read_text(path, &crate::input::MANIFEST)?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        CliError::new(format!(
            "{} is not an adapter manifest: {e}",
            path.display()
        ))
    })?;
    for (i, a) in manifest.adapters.iter().enumerate() {
        if manifest.adapters[..i].iter().any(|b| b.name == a.name) {
            return Err(CliError::new(format!(
                "{}: the adapter name `{}` appears twice",
                path.display(),
                a.name
            )));
        }
    }
    Ok(manifest)
}

/// Runs the matrix. Library findings are results, not failures: the command
/// exits 0 when every adapter ran (unless `strict`), 1 when an adapter could not
/// be installed or started, 2 for usage errors.
pub fn run(args: Args<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let manifest = read_manifest(args.manifest)?;
    for name in args.only {
        if !manifest.adapters.iter().any(|a| &a.name == name) {
            return Err(CliError::new(format!(
                "no adapter named `{name}` in {} (it has: {})",
                args.manifest.display(),
                manifest
                    .adapters
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let corpus = load_corpus(None)?;
    let selection = Selection {
        filter: args.filter,
        ..Selection::default()
    };
    let mut entries = Vec::new();
    let mut broken = false;
    for adapter in manifest
        .adapters
        .iter()
        .filter(|a| args.only.is_empty() || args.only.contains(&a.name))
    {
        eprintln!("rpscope: matrix: {} ({})", adapter.name, adapter.library);
        if args.install {
            if let Err(why) = install(&adapter.install) {
                broken = true;
                entries.push(Entry {
                    name: adapter.name.clone(),
                    outcome: Err(why),
                });
                continue;
            }
        }
        let target = TargetSpec::Adapter(adapter.command.clone());
        let outcome = match run_target(
            &target,
            &corpus,
            &selection,
            &KnownDivergences::none(),
            args.timeout,
            psl,
        ) {
            Ok((report, implementation)) => {
                let c = Counts::of(&report);
                eprintln!(
                    "rpscope: matrix: {}: {} results, {} pass, {} false accepts, {} accepted under invalid policies, {} false rejects, {} errors, {} skipped",
                    adapter.name,
                    report.total,
                    c.passed,
                    c.false_accepts,
                    c.invalid_policy_accepted,
                    c.false_rejects,
                    c.errors,
                    c.skipped
                );
                let implementation = implementation.unwrap_or_else(|| Implementation {
                    name: adapter.library.clone(),
                    version: String::new(),
                    language: String::new(),
                    homepage: None,
                });
                Ok((implementation, report))
            }
            Err(e) => {
                broken = true;
                eprintln!("rpscope: matrix: {}: {e}", adapter.name);
                Err(e.to_string())
            }
        };
        entries.push(Entry {
            name: adapter.name.clone(),
            outcome,
        });
    }
    let markdown = render(&entries, &preamble(&corpus, args.filter));
    match args.write {
        Some(path) => {
            std::fs::write(path, &markdown)
                .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("rpscope: matrix: wrote {}", path.display());
        }
        None => print!("{markdown}"),
    }
    if let Some(path) = args.json {
        let doc: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| match &e.outcome {
                Ok((i, report)) => serde_json::json!({
                    "adapter": e.name,
                    "implementation": i,
                    "report": report,
                }),
                Err(why) => serde_json::json!({ "adapter": e.name, "error": why }),
            })
            .collect();
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        std::fs::write(path, text + "\n")
            .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
    }
    let findings = entries.iter().any(|e| match &e.outcome {
        Ok((_, report)) => !report.conforms(),
        Err(_) => true,
    });
    Ok(if broken || (args.strict && findings) {
        Exit::Finding
    } else {
        Exit::Success
    })
}

fn install(command: &str) -> Result<(), String> {
    eprintln!("rpscope: matrix: installing: {command}");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status()
        .map_err(|e| format!("the install command could not run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the install command `{command}` failed ({status})"))
    }
}

fn preamble(corpus: &rpscope_corpus::Corpus, filter: Option<&str>) -> String {
    let server = corpus.server_cases().count();
    let client = corpus.client_cases().count();
    let mut text = format!(
        "# Results: real WebAuthn libraries on the rpscope corpus\n\n\
Generated by `rpscope matrix --install --write docs/results.md` from `adapters/adapters.toml`; \
do not edit by hand. Each library runs behind its adapter (`adapters/<name>/`, pinned version, \
`docs/protocol.md`). Server-side libraries get all {server} server-side cases, once as a \
registration and once as an authentication, each a real, correctly signed response in which \
only the thing under test is wrong. Client-side libraries get the {client} client-side cases, \
held to the `spec` profile.\n\n\
How to read a failure: a **false accept** (the library accepted what the corpus says must be \
rejected) is a security finding: some other origin, scheme or port could use the RP's passkeys. \
A **false reject** is an interoperability finding: real users of a correctly configured RP \
cannot sign in. **Errors** are crashes or timeouts. **Skipped** cases are policies the library \
cannot express (the adapter says why); they are not counted against it. `acceptable` cases admit \
either verdict. A library's own error text is quoted as the adapter reported it.\n"
    );
    if let Some(f) = filter {
        text.push_str(&format!("\nOnly cases whose id contains `{f}` were run.\n"));
    }
    text
}
