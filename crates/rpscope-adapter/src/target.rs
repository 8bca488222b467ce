//! [`AdapterTarget`]: an adapter process as a conformance [`Target`], with the
//! runner's guarantees (control ceremony, timeouts, restarts, interruption;
//! `docs/protocol.md`), and [`Unavailable`], the target a run falls back to when
//! the adapter never started.

use crate::process::{interrupt_reason, AdapterProcess, Failure};
use crate::protocol::{
    Actual, CaseAnswer, CaseRequest, ClientFeature, Command, Hello, PolicyFeature, ProfileId, Side,
    PROTOCOL,
};
use crate::request::{client_request, control_case, server_request};
use rpscope_core::{Profile, Verdict};
use rpscope_corpus::{Answer, Ceremony, ClientCase, ServerCase, Target};
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// After this many failed starts in a row the adapter is given up: it is not
/// started again, and [`Target::stopped`] says why.
pub const MAX_FAILED_STARTS: u32 = 3;
/// How long an interrupted adapter has to exit after SIGTERM before SIGKILL.
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(1);
/// How long an adapter has to exit after `stop`.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// How the runner treats an adapter.
#[derive(Debug, Clone)]
pub struct Options {
    /// The deadline for each case's answer.
    pub case_timeout: Duration,
    /// The deadline for the handshake, at the first start and at every restart
    /// (interpreters and JITs start slowly). Default: 60 s.
    pub start_timeout: Duration,
    /// When set, every wait ends within [`POLL`](crate::process::POLL) of it: the
    /// adapter's group is ended (SIGTERM, then SIGKILL after [`INTERRUPT_GRACE`])
    /// and [`Target::stopped`] reports the run as interrupted.
    /// [`interrupt_on_signals`](crate::process::interrupt_on_signals) makes one
    /// that SIGINT and SIGTERM set.
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl Options {
    fn interrupted(&self) -> bool {
        self.interrupt
            .as_deref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            case_timeout: Duration::from_secs(10),
            start_timeout: Duration::from_secs(60),
            interrupt: None,
        }
    }
}

/// Why an adapter could not be started at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    /// What went wrong, with the adapter's last stderr lines.
    pub message: String,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StartError {}

/// An adapter process behind the [`Target`] trait.
pub struct AdapterTarget {
    command: String,
    options: Options,
    hello: Hello,
    /// The running adapter; in a cell because [`Target::stopped`], which takes
    /// `&self`, ends it when the run is interrupted.
    process: RefCell<Option<AdapterProcess>>,
    seq: u64,
    failed_starts: u32,
    last_start_error: String,
    control_failure: Option<String>,
    restarts: u32,
}

impl AdapterTarget {
    /// Starts the adapter, checks the handshake and runs the control ceremony.
    ///
    /// An adapter that cannot be started, does not answer the handshake within
    /// [`Options::start_timeout`] or speaks another protocol version is an error
    /// (run the cases against [`Unavailable`] to still have a report); so is an
    /// interruption during the handshake. One that rejects the control ceremony
    /// starts, but every case is then reported as `error` (see
    /// [`AdapterTarget::control_failure`]).
    pub fn start(command: &str, options: Options) -> Result<AdapterTarget, StartError> {
        let (process, hello) = handshake(command, &options)?;
        let mut target = AdapterTarget {
            command: command.to_owned(),
            options,
            hello,
            process: RefCell::new(Some(process)),
            seq: 0,
            failed_starts: 0,
            last_start_error: String::new(),
            control_failure: None,
            restarts: 0,
        };
        target.control_failure = target.run_control();
        Ok(target)
    }

    /// What the adapter said about itself.
    pub fn hello(&self) -> &Hello {
        &self.hello
    }

    /// Why the control ceremony failed, if it did.
    pub fn control_failure(&self) -> Option<&str> {
        self.control_failure.as_deref()
    }

    /// How often the adapter had to be started again after a crash or timeout.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The running adapter's process id, which is also the id of its process
    /// group; `None` while no adapter runs (after a failure, before the restart;
    /// after an interruption).
    pub fn process_id(&self) -> Option<u32> {
        self.process
            .try_borrow()
            .ok()
            .and_then(|p| p.as_ref().map(AdapterProcess::id))
    }

    /// Sends `stop` and ends the process.
    pub fn stop(self) {
        if let Some(process) = self.process.take() {
            let stop = serde_json::to_string(&Command::Stop).unwrap_or_default();
            process.stop(&stop, STOP_GRACE);
        }
    }

    /// Why no more cases are sent after [`MAX_FAILED_STARTS`] failed starts.
    fn given_up(&self) -> Option<String> {
        (self.failed_starts >= MAX_FAILED_STARTS).then(|| {
            format!(
                "not started again after {MAX_FAILED_STARTS} failed starts in a row; the last: {}",
                self.last_start_error
            )
        })
    }

    fn run_control(&mut self) -> Option<String> {
        let control = control_case();
        let kinds = self.hello.capabilities.ceremonies.clone();
        if !self.has_side(Side::Server) {
            return None;
        }
        for kind in kinds {
            let request = match server_request(&control, kind) {
                Ok(r) => r,
                Err(e) => return Some(format!("the control ceremony cannot be built: {e}")),
            };
            let answer = self.exchange_at(0, CaseRequest::Server(request));
            if self.options.interrupted() {
                // Not the adapter's failure: `stopped` reports the interruption.
                return None;
            }
            let failure = match answer {
                Answer::Verdict {
                    verdict: Verdict::Accept,
                    ..
                } => continue,
                Answer::Verdict { explanation, .. } => format!(
                    "rejected: {}",
                    explanation.unwrap_or_else(|| "no message".into())
                ),
                Answer::Skipped(why) => format!("skipped: {why}"),
                Answer::Error(why) => format!("error: {why}"),
            };
            return Some(format!(
                "the adapter did not accept the clean {} control ceremony ({failure}), so its \
                 verdicts say nothing about origin checks",
                Ceremony::as_str(kind)
            ));
        }
        None
    }

    fn has_side(&self, side: Side) -> bool {
        self.hello.capabilities.sides.contains(&side)
    }

    /// Sends one case and turns whatever happens into an [`Answer`].
    fn exchange(&mut self, case: CaseRequest) -> Answer {
        if let Some(failure) = &self.control_failure {
            return Answer::Error(failure.clone());
        }
        self.seq += 1;
        self.exchange_at(self.seq, case)
    }

    fn exchange_at(&mut self, seq: u64, case: CaseRequest) -> Answer {
        if let Some(why) = self.stopped() {
            return Answer::Error(why);
        }
        let line = match serde_json::to_string(&Command::Run {
            seq,
            case: Box::new(case),
        }) {
            Ok(l) => l,
            Err(e) => return Answer::Error(format!("the request does not serialise: {e}")),
        };
        let process = match self.process.get_mut().take() {
            Some(p) => p,
            None => match self.restart() {
                Ok(p) => p,
                Err(e) => return Answer::Error(e),
            },
        };
        let mut process = process;
        let timeout = self.options.case_timeout;
        let interrupt = self.options.interrupt.clone();
        let reply = process
            .send(&line, timeout, interrupt.as_deref())
            .and_then(|()| process.receive(timeout, interrupt.as_deref()));
        let text = match reply {
            Ok(text) => text,
            Err(Failure::Interrupted) => {
                process.terminate(INTERRUPT_GRACE);
                return Answer::Error(interrupt_reason());
            }
            Err(failure) => return self.crashed(process, &failure.to_string()),
        };
        let answer: CaseAnswer = match serde_json::from_str(&text) {
            Ok(a) => a,
            Err(e) => {
                let shown: String = text.chars().take(200).collect();
                return self.crashed(
                    process,
                    &format!("the adapter printed `{shown}`, which is not an answer ({e})"),
                );
            }
        };
        if answer.seq != seq {
            return self.crashed(
                process,
                &format!("the adapter answered seq {} to seq {seq}", answer.seq),
            );
        }
        *self.process.get_mut() = Some(process);
        let message = answer.message;
        match answer.result {
            Actual::Accept => Answer::Verdict {
                verdict: Verdict::Accept,
                reason: None,
                explanation: message,
            },
            Actual::Reject => Answer::Verdict {
                verdict: Verdict::Reject,
                reason: None,
                explanation: Some(message.unwrap_or_else(|| "(no message)".into())),
            },
            Actual::Skipped => Answer::Skipped(match (message, answer.issue_url) {
                (Some(m), Some(url)) => format!("{m} ({url})"),
                (Some(m), None) => m,
                (None, Some(url)) => url,
                (None, None) => "skipped without a reason".into(),
            }),
            Actual::Error => Answer::Error(format!(
                "the adapter reported an error: {}",
                message.unwrap_or_else(|| "(no message)".into())
            )),
        }
    }

    /// Ends a process that failed this exchange and reports the case as an error.
    fn crashed(&mut self, mut process: AdapterProcess, what: &str) -> Answer {
        let stderr = process.stderr_tail();
        drop(process);
        Answer::Error(with_stderr(what, &stderr))
    }

    fn restart(&mut self) -> Result<AdapterProcess, String> {
        if let Some(why) = self.given_up() {
            return Err(why);
        }
        match handshake(&self.command, &self.options) {
            Ok((process, _)) => {
                self.failed_starts = 0;
                self.restarts += 1;
                Ok(process)
            }
            // An interrupted start is not a failed one.
            Err(_) if self.options.interrupted() => Err(interrupt_reason()),
            Err(e) => {
                self.failed_starts += 1;
                self.last_start_error = e.message.clone();
                Err(format!(
                    "the adapter could not be started again: {}",
                    e.message
                ))
            }
        }
    }
}

fn with_stderr(what: &str, stderr: &str) -> String {
    if stderr.is_empty() {
        what.to_owned()
    } else {
        format!("{what}; its stderr ended with:\n{stderr}")
    }
}

/// Starts the process, sends `start` and reads the [`Hello`], all within
/// [`Options::start_timeout`].
fn handshake(command: &str, options: &Options) -> Result<(AdapterProcess, Hello), StartError> {
    let fail = |what: String, process: Option<&mut AdapterProcess>| StartError {
        message: with_stderr(
            &format!("adapter `{command}`: {what}"),
            &process.map(AdapterProcess::stderr_tail).unwrap_or_default(),
        ),
    };
    if options.interrupted() {
        return Err(fail(
            format!("{} before the adapter was started", interrupt_reason()),
            None,
        ));
    }
    let mut process =
        AdapterProcess::spawn(command).map_err(|e| fail(format!("cannot start: {e}"), None))?;
    let start = serde_json::to_string(&Command::Start { protocol: PROTOCOL }).unwrap_or_default();
    let timeout = options.start_timeout;
    let interrupt = options.interrupt.as_deref();
    let text = match process
        .send(&start, timeout, interrupt)
        .and_then(|()| process.receive(timeout, interrupt))
    {
        Ok(t) => t,
        Err(Failure::Timeout(_)) => {
            return Err(fail(
                format!(
                    "no answer to the `start` handshake within {} s",
                    timeout.as_secs_f64()
                ),
                Some(&mut process),
            ))
        }
        Err(Failure::Interrupted) => {
            process.terminate(INTERRUPT_GRACE);
            return Err(fail(
                format!("{} during the handshake", interrupt_reason()),
                None,
            ));
        }
        Err(e) => {
            return Err(fail(
                format!("during the handshake: {e}"),
                Some(&mut process),
            ))
        }
    };
    let hello: Hello = serde_json::from_str(&text).map_err(|e| {
        let shown: String = text.chars().take(200).collect();
        fail(
            format!("`{shown}` is not a handshake answer ({e})"),
            Some(&mut process),
        )
    })?;
    if hello.protocol != PROTOCOL {
        return Err(fail(
            format!(
                "speaks protocol {}, this runner speaks {PROTOCOL}",
                hello.protocol
            ),
            Some(&mut process),
        ));
    }
    let caps = &hello.capabilities;
    if caps.sides.contains(&Side::Server) && caps.ceremonies.is_empty() {
        return Err(fail(
            "declares the server side but no ceremonies".into(),
            Some(&mut process),
        ));
    }
    Ok((process, hello))
}

impl Target for AdapterTarget {
    fn name(&self) -> String {
        let i = &self.hello.implementation;
        format!("{} {}", i.name, i.version)
    }

    fn check_client(&mut self, case: &ClientCase, _: &Profile) -> Answer {
        if !self.has_side(Side::Client) {
            return Answer::Skipped("the adapter has no client side".into());
        }
        let redirected = case
            .well_known
            .as_ref()
            .is_some_and(|w| !w.redirects.is_empty());
        if redirected
            && !self
                .hello
                .capabilities
                .client_features
                .contains(&ClientFeature::Redirects)
        {
            return Answer::Skipped(
                "the well-known fetch is redirected, and the adapter does not declare `redirects`"
                    .into(),
            );
        }
        self.exchange(CaseRequest::Client(client_request(case)))
    }

    fn verify_server(&mut self, case: &ServerCase, ceremony: Option<Ceremony>) -> Answer {
        if !self.has_side(Side::Server) {
            return Answer::Skipped("the adapter has no server side".into());
        }
        let Some(kind) = ceremony else {
            return Answer::Error("an adapter runs registration or authentication".into());
        };
        let declared = &self.hello.capabilities.policy_features;
        let missing: Vec<&str> = PolicyFeature::needed_by(&case.policy)
            .into_iter()
            .filter(|f| !declared.contains(f))
            .map(PolicyFeature::as_str)
            .collect();
        if !missing.is_empty() {
            return Answer::Skipped(format!(
                "the policy needs {}, which the adapter does not declare",
                missing.join(", ")
            ));
        }
        match server_request(case, kind) {
            Ok(request) => self.exchange(CaseRequest::Server(request)),
            Err(why) => Answer::Skipped(why),
        }
    }

    fn server_ceremonies(&self) -> Vec<Ceremony> {
        if !self.has_side(Side::Server) {
            return Vec::new();
        }
        self.hello.capabilities.ceremonies.clone()
    }

    fn client_profiles(&self) -> Option<Vec<ProfileId>> {
        let profile = self
            .hello
            .capabilities
            .client_profile
            .unwrap_or(ProfileId::Spec);
        Some(vec![profile])
    }

    /// Once the interrupt flag is set: the adapter's group is ended (SIGTERM, then
    /// SIGKILL after [`INTERRUPT_GRACE`]) before this returns `interrupted (…)`.
    /// After [`MAX_FAILED_STARTS`] failed starts in a row: why it was given up.
    fn stopped(&self) -> Option<String> {
        if self.options.interrupted() {
            if let Ok(mut process) = self.process.try_borrow_mut() {
                if let Some(process) = process.take() {
                    process.terminate(INTERRUPT_GRACE);
                }
            }
            return Some(interrupt_reason());
        }
        self.given_up()
    }
}

/// A target that cannot answer at all, such as an adapter that never got through
/// its handshake: [`Target::stopped`] is always `reason`, so a run against it
/// reports every selected case as an `error` with that reason, and the report's
/// `stopped` says it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The name reports give the target.
    pub name: String,
    /// Why it cannot answer.
    pub reason: String,
}

impl Target for Unavailable {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn stopped(&self) -> Option<String> {
        Some(self.reason.clone())
    }
}
