//! `rpscope corpus lint|export|schema`: maintaining and publishing the corpus.

use crate::conformance::load_corpus;
use crate::{input, write_stdout, CliError, Exit};
use rpscope_corpus::case::TopicFile;
use rpscope_corpus::{lint, schema};
use serde::Serialize;
use std::path::Path;

/// `rpscope corpus lint`: every finding on stdout, exit 1 when there is one.
pub fn lint(dir: Option<&Path>) -> Result<Exit, CliError> {
    let corpus = load_corpus(dir)?;
    let findings = lint::lint(&corpus);
    write_stdout("write the findings", |out| {
        for f in &findings {
            writeln!(out, "{f}")?;
        }
        writeln!(
            out,
            "{} topics, {} cases, {} flags: {} finding(s)",
            corpus.topics.len(),
            corpus.len(),
            corpus.flags.len(),
            findings.len()
        )
    })?;
    Ok(if findings.is_empty() {
        Exit::Success
    } else {
        Exit::Finding
    })
}

#[derive(Serialize)]
struct Export<'a> {
    format_version: u32,
    flags: &'a std::collections::BTreeMap<String, String>,
    topics: Vec<ExportTopic<'a>>,
}

#[derive(Serialize)]
struct ExportTopic<'a> {
    name: &'a str,
    #[serde(flatten)]
    file: &'a TopicFile,
}

/// `rpscope corpus export --format json`: the whole corpus as one JSON document.
pub fn export(dir: Option<&Path>) -> Result<Exit, CliError> {
    let corpus = load_corpus(dir)?;
    let doc = Export {
        format_version: 1,
        flags: &corpus.flags,
        topics: corpus
            .topics
            .iter()
            .map(|t| ExportTopic {
                name: &t.name,
                file: &t.file,
            })
            .collect(),
    };
    write_stdout("write the export", |out| {
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    })?;
    Ok(Exit::Success)
}

/// `rpscope corpus schema`: print the schemas, or write them into a directory.
pub fn schema(write_to: Option<&Path>) -> Result<Exit, CliError> {
    crate::print_or_write(&schema::all(), write_to)
}

/// `rpscope corpus import-psl-tests FILE`: the psl-tests topic on stdout.
pub fn import_psl_tests(
    file: &Path,
    psl: &rpscope_core::PublicSuffixList,
) -> Result<Exit, CliError> {
    let text = input::read_text(file, &input::PSL_TESTS)?;
    let toml = rpscope_corpus::psl_tests::import(&text, psl)
        .map_err(|e| CliError::new(format!("{}: {e}", file.display())))?;
    write_stdout("write the topic", |out| out.write_all(toml.as_bytes()))?;
    Ok(Exit::Success)
}

/// `rpscope corpus fuzz-seeds DIR`: write `DIR/<target>/<hash>` for every seed, replacing
/// what each seeded target's folder held.
pub fn fuzz_seeds(corpus_dir: Option<&Path>, out: &Path) -> Result<Exit, CliError> {
    let corpus = load_corpus(corpus_dir)?;
    // A corpus directory without `mobile/` has no mobile cases to seed from.
    let mobile = match corpus_dir.map(|d| d.join("mobile")) {
        Some(dir) if !dir.is_dir() => Ok(Vec::new()),
        Some(dir) => rpscope_corpus::mobile::topics_in(&dir),
        None => rpscope_corpus::mobile::embedded_topics(),
    }
    .map_err(|e| CliError::new(format!("the mobile cases do not load: {e}")))?;
    let seeds = rpscope_corpus::seeds::generate(&corpus, &mobile);
    let io = |what: &Path, e: std::io::Error| {
        CliError::new(format!("cannot write {}: {e}", what.display()))
    };
    for target in rpscope_corpus::seeds::SEEDED_TARGETS {
        let dir = out.join(target);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let files = seeds.get(target).cloned().unwrap_or_default();
        for (name, bytes) in &files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        }
        eprintln!("{target}: {} seeds", files.len());
    }
    Ok(Exit::Success)
}
