//! `rpscope conformance`: the corpus (or cases derived from a policy) against the
//! built-in core or an adapter, with a report.

use crate::{verify, CliError, Exit};
use rpscope_adapter::protocol::Implementation;
use rpscope_adapter::{AdapterTarget, Options, StartError, Unavailable};
use rpscope_core::{Profile, ProfileId, PslSnapshots};
use rpscope_corpus::case::TopicFile;
use rpscope_corpus::report::{self, Detail, Format};
use rpscope_corpus::{
    Answer, Builtin, Ceremony, ClientCase, Corpus, KnownDivergences, Report, Selection, ServerCase,
    Side, Target, Topic,
};
use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the cases run against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// rpscope's own core.
    Builtin,
    /// An adapter process, started with `sh -c COMMAND`.
    Adapter(String),
}

impl TargetSpec {
    /// Parses `builtin` or `adapter:COMMAND`.
    pub fn parse(text: &str) -> Result<TargetSpec, CliError> {
        match text.split_once(':') {
            _ if text == "builtin" => Ok(TargetSpec::Builtin),
            Some(("adapter", command)) if !command.trim().is_empty() => {
                Ok(TargetSpec::Adapter(command.to_owned()))
            }
            _ => Err(CliError::new(format!(
                "unknown target `{text}` (expected `builtin` or `adapter:COMMAND`, \
                 e.g. `adapter:python3 adapters/py_webauthn/adapter.py`)"
            ))),
        }
    }
}

/// What `rpscope conformance` was asked for.
pub struct Args<'a> {
    /// What to run against.
    pub target: TargetSpec,
    /// A corpus directory instead of the embedded corpus.
    pub corpus: Option<&'a Path>,
    /// Derive the cases from this policy file instead of using the corpus.
    pub policy: Option<&'a Path>,
    /// Only this client profile.
    pub profile: Option<Profile>,
    /// Only this side.
    pub side: Option<Side>,
    /// Only ids containing this.
    pub filter: Option<&'a str>,
    /// The report format on stdout.
    pub format: Format,
    /// More reports from the same run: each format written to its file.
    pub outputs: Vec<(Format, PathBuf)>,
    /// How much the human report says.
    pub detail: Detail,
    /// Exit 1 only for security findings, not for every failure.
    pub security_only: bool,
    /// A known-divergence file.
    pub known_divergences: Option<&'a Path>,
    /// The per-case deadline for an adapter.
    pub timeout: Duration,
    /// The deadline for an adapter's handshake, at its first start and every restart.
    pub start_timeout: Duration,
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

/// The cases derived from a policy file, as a one-topic corpus (`policy::…`).
pub fn derived_corpus(path: &Path, psl: &PslSnapshots) -> Result<Corpus, CliError> {
    let policy = verify::read_policy(path)?;
    let source = path.display().to_string();
    let topic = rpscope_corpus::derive::derive(&policy, &source, psl.current())
        .map_err(|e| CliError::new(format!("{source}: the policy is not valid: {e}")))?;
    Ok(Corpus {
        flags: Default::default(),
        topics: vec![Topic {
            name: "policy".into(),
            origin: source,
            file: TopicFile::Server(topic),
        }],
        measured: Default::default(),
    })
}

/// Reads a known-divergence file, or none.
pub fn load_known(path: Option<&Path>) -> Result<KnownDivergences, CliError> {
    match path {
        Some(path) => {
            let text = crate::input::read_text(path, &crate::input::KNOWN_DIVERGENCES)?;
            KnownDivergences::parse(&text)
                .map_err(|e| CliError::new(format!("{}: {e}", path.display())))
        }
        None => Ok(KnownDivergences::none()),
    }
}

/// Runs the cases against one target and returns the report, with what the
/// adapter said it is; an adapter that cannot be started is an error (`rpscope
/// matrix` lists it as such; [`run_target_with`] has a report instead), everything
/// after that is in the report. The handshake gets the library's default deadline.
pub fn run_target(
    target: &TargetSpec,
    corpus: &Corpus,
    selection: &Selection<'_>,
    known: &KnownDivergences,
    timeout: Duration,
    psl: &PslSnapshots,
) -> Result<(Report, Option<Implementation>), CliError> {
    let options = Options {
        case_timeout: timeout,
        ..Options::default()
    };
    let (report, started) = run_target_with(target, corpus, selection, known, options, psl);
    started
        .map(|implementation| (report, implementation))
        .map_err(|e| CliError::new(e.to_string()))
}

/// Runs the cases against one target under `options` and returns the report, with
/// what the adapter said it is. An adapter that cannot be started still yields a
/// report: every selected case an `error` naming why (the report's `stopped` too),
/// beside the start error. SIGINT and SIGTERM end an adapter run early, with the
/// adapter's process group, and the report says so.
pub fn run_target_with(
    target: &TargetSpec,
    corpus: &Corpus,
    selection: &Selection<'_>,
    known: &KnownDivergences,
    mut options: Options,
    psl: &PslSnapshots,
) -> (Report, Result<Option<Implementation>, StartError>) {
    match target {
        TargetSpec::Builtin => (
            rpscope_corpus::run(corpus, &mut Builtin::new(psl), selection, known),
            Ok(None),
        ),
        TargetSpec::Adapter(command) => {
            if options.interrupt.is_none() {
                options.interrupt = rpscope_adapter::process::interrupt_on_signals().ok();
            }
            let mut adapter = match AdapterTarget::start(command, options) {
                Ok(adapter) => adapter,
                Err(e) => {
                    let mut unavailable = Unavailable {
                        name: format!("adapter:{command}"),
                        reason: e.message.clone(),
                    };
                    let report = rpscope_corpus::run(corpus, &mut unavailable, selection, known);
                    return (report, Err(e));
                }
            };
            let hello = adapter.hello().implementation.clone();
            eprintln!(
                "rpscope: running against {} {} ({})",
                hello.name, hello.version, hello.language
            );
            if let Some(failure) = adapter.control_failure() {
                eprintln!("rpscope: warning: {failure}");
            }
            // Only the sides the adapter has, unless the user chose one.
            let sides = &adapter.hello().capabilities.sides;
            let mut selection = selection.clone();
            if selection.side.is_none() && sides.len() == 1 {
                selection.side = Some(match sides[0] {
                    Side::Server => Side::Server,
                    Side::Client => Side::Client,
                });
            }
            let mut progress = Progress::new(&mut adapter);
            let report = rpscope_corpus::run(corpus, &mut progress, &selection, known);
            progress.finish();
            if adapter.restarts() > 0 {
                eprintln!(
                    "rpscope: the adapter was started again {} times after crashes or timeouts",
                    adapter.restarts()
                );
            }
            adapter.stop();
            (report, Ok(Some(hello)))
        }
    }
}

/// Runs the cases and prints the report; exit 1 unless everything conforms.
pub fn run(args: Args<'_>, psl: &PslSnapshots) -> Result<Exit, CliError> {
    let corpus = match args.policy {
        Some(path) => derived_corpus(path, psl)?,
        None => load_corpus(args.corpus)?,
    };
    let known = load_known(args.known_divergences)?;
    let selection = Selection {
        filter: args.filter,
        profile: args.profile.map(|p| p.id),
        side: args.side,
    };
    let options = Options {
        case_timeout: args.timeout,
        start_timeout: args.start_timeout,
        interrupt: None,
    };
    let (report, started) =
        run_target_with(&args.target, &corpus, &selection, &known, options, psl);
    if report.total == 0 {
        return Err(CliError::new(match args.filter {
            Some(f) => format!("no case id contains `{f}`"),
            None => "no case was selected".into(),
        }));
    }
    for (format, path) in &args.outputs {
        std::fs::write(path, report::render_detailed(&report, *format, args.detail))
            .map_err(|e| CliError::io(&format!("write {}", path.display()), e))?;
    }
    match std::io::stdout()
        .lock()
        .write_all(report::render_detailed(&report, args.format, args.detail).as_bytes())
    {
        // The reader went away (`| head`): the files are written, the exit code stands.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.map_err(|e| CliError::io("write the report", e))?,
    }
    // An adapter that never started: the report is written (every case an error naming
    // why) and the exit code is 3, like any run that stopped.
    if let Err(e) = started {
        eprintln!("rpscope: error: {e}");
    }
    Ok(exit_of(&report, args.security_only))
}

/// 0 conforms, 1 does not conform (with `security_only`: has a security finding), 3 the
/// target could not be run or the run stopped.
pub fn exit_of(report: &Report, security_only: bool) -> Exit {
    let security = || {
        report
            .results
            .iter()
            .any(|r| r.status.fails_run() && r.class == Some(rpscope_corpus::Class::Security))
    };
    if report.stopped.is_some() {
        Exit::Stopped
    } else if report.conforms() || (security_only && !security()) {
        Exit::Success
    } else {
        Exit::Finding
    }
}

/// Counts answered cases on stderr while a slow target runs: a line every few
/// seconds (or an updating line on a terminal).
pub struct Progress<'t> {
    inner: &'t mut dyn Target,
    done: usize,
    started: Instant,
    last: Instant,
    terminal: bool,
}

impl<'t> Progress<'t> {
    /// Wraps a target.
    pub fn new(inner: &'t mut dyn Target) -> Progress<'t> {
        let now = Instant::now();
        Progress {
            inner,
            done: 0,
            started: now,
            last: now,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self, id: &str) {
        self.done += 1;
        let every = if self.terminal {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if self.last.elapsed() >= every {
            self.last = Instant::now();
            if self.terminal {
                eprint!("\r\x1b[2Krpscope: {} answered, at {id}", self.done);
            } else {
                eprintln!("rpscope: {} answered, at {id}", self.done);
            }
        }
    }

    /// Prints the total.
    pub fn finish(&self) {
        if self.terminal {
            eprint!("\r\x1b[2K");
        }
        eprintln!(
            "rpscope: {} answers in {:.1} s",
            self.done,
            self.started.elapsed().as_secs_f64()
        );
    }
}

impl Target for Progress<'_> {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn check_client(&mut self, case: &ClientCase, profile: &Profile) -> Answer {
        let answer = self.inner.check_client(case, profile);
        self.tick(&case.id);
        answer
    }
    fn verify_server(&mut self, case: &ServerCase, ceremony: Option<Ceremony>) -> Answer {
        let answer = self.inner.verify_server(case, ceremony);
        self.tick(&case.id);
        answer
    }
    fn server_ceremonies(&self) -> Vec<Ceremony> {
        self.inner.server_ceremonies()
    }
    fn client_profiles(&self) -> Option<Vec<ProfileId>> {
        self.inner.client_profiles()
    }
    fn stopped(&self) -> Option<String> {
        self.inner.stopped()
    }
}
