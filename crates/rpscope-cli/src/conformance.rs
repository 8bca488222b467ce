//! `rpscope conformance`: the corpus against the built-in core, with a report.

use crate::{CliError, Exit};
use rpscope_core::{Profile, PublicSuffixList};
use rpscope_corpus::report::{self, Format};
use rpscope_corpus::{Builtin, Corpus, KnownDivergences, Selection, Side};
use std::io::Write;
use std::path::Path;

/// What `rpscope conformance` was asked for.
pub struct Args<'a> {
    /// A corpus directory instead of the embedded corpus.
    pub corpus: Option<&'a Path>,
    /// Only this client profile.
    pub profile: Option<Profile>,
    /// Only this side.
    pub side: Option<Side>,
    /// Only ids containing this.
    pub filter: Option<&'a str>,
    /// The report format.
    pub format: Format,
    /// A known-divergence file.
    pub known_divergences: Option<&'a Path>,
}

/// Loads the corpus the user asked for, with every load error in the message.
pub fn load_corpus(dir: Option<&Path>) -> Result<Corpus, CliError> {
    let loaded = match dir {
        Some(dir) => Corpus::from_dir(dir),
        None => Corpus::embedded(),
    };
    loaded.map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        CliError::new(format!("the corpus does not load:\n{}", list.join("\n")))
    })
}

/// Runs the corpus and prints the report; exit 1 unless everything conforms.
pub fn run(args: Args<'_>, psl: &PublicSuffixList) -> Result<Exit, CliError> {
    let corpus = load_corpus(args.corpus)?;
    let known = match args.known_divergences {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
            KnownDivergences::parse(&text)
                .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?
        }
        None => KnownDivergences::none(),
    };
    let selection = Selection {
        filter: args.filter,
        profile: args.profile,
        side: args.side,
    };
    let report = rpscope_corpus::run(&corpus, &mut Builtin::new(psl), &selection, &known);
    if report.total == 0 {
        return Err(CliError::new(match args.filter {
            Some(f) => format!("no case id contains `{f}`"),
            None => "the corpus has no cases".into(),
        }));
    }
    std::io::stdout()
        .lock()
        .write_all(report::render(&report, args.format).as_bytes())
        .map_err(|e| CliError::io("write the report", e))?;
    Ok(if report.conforms() {
        Exit::Success
    } else {
        Exit::Finding
    })
}
