//! [`BrowserTarget`]: a real browser as an `rpscope_corpus::run::Target`.

use crate::ceremony::{self, PageOutcome};
use crate::driver::{BrowserDriver, Failure};
use crate::plan::{plan, Skip};
use crate::server::{RequestRecord, Server};
use crate::Error;
use rpscope_core::Profile;
use rpscope_corpus::{Answer, ClientCase, Target};
use rpscope_model::{Actual, Browser, ProfileId};
use serde::Serialize;
use std::time::Instant;

/// Starts (or restarts) a browser against the server.
pub type Launcher = Box<dyn FnMut(&mut Server) -> Result<Box<dyn BrowserDriver>, String>>;

/// Called after every case, for progress output.
pub type Progress = Box<dyn FnMut(&CaseRecord)>;

/// Everything seen while one case ran.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    /// The case id.
    pub id: String,
    /// The browser.
    pub browser: Browser,
    /// What the page reported, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageOutcome>,
    /// The verdict, or `skipped`/`error`.
    pub answer: Actual,
    /// Every request the server received for the case, with headers.
    pub requests: Vec<RequestRecord>,
    /// Wall time for the case, in milliseconds.
    pub elapsed_ms: f64,
}

impl CaseRecord {
    /// How many well-known fetches reached the server.
    pub fn well_known_fetches(&self) -> usize {
        self.requests.iter().filter(|r| r.is_well_known()).count()
    }
}

/// A browser, the server it is pointed at, and what every case showed.
pub struct BrowserTarget {
    browser: Option<Box<dyn BrowserDriver>>,
    launcher: Launcher,
    server: Server,
    kind: Browser,
    version: String,
    records: Vec<CaseRecord>,
    restarts: usize,
    progress: Option<Progress>,
}

impl std::fmt::Debug for BrowserTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserTarget")
            .field("browser", &self.kind)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl BrowserTarget {
    /// Starts the server and, through `launcher`, the browser.
    pub fn start(mut launcher: Launcher) -> Result<BrowserTarget, Error> {
        let mut server = Server::start()?;
        let browser = launcher(&mut server).map_err(Error::Launch)?;
        Ok(BrowserTarget {
            kind: browser.browser(),
            version: browser.version().to_owned(),
            browser: Some(browser),
            launcher,
            server,
            records: Vec::new(),
            restarts: 0,
            progress: None,
        })
    }

    /// Reports every finished case to `progress`.
    pub fn set_progress(&mut self, progress: Progress) {
        self.progress = Some(progress);
    }

    /// Which browser runs the cases.
    pub fn browser(&self) -> Browser {
        self.kind
    }

    /// The browser's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What every case showed, in run order.
    pub fn records(&self) -> &[CaseRecord] {
        &self.records
    }

    /// How often the browser had to be restarted after it broke.
    pub fn restarts(&self) -> usize {
        self.restarts
    }

    fn attempt(&mut self, case: &ClientCase) -> (Answer, Option<PageOutcome>) {
        let plan = match plan(case) {
            Ok(p) => p,
            Err(Skip(why)) => return (Answer::Skipped(why), None),
        };
        if let Err(e) = self
            .server
            .set_case(plan.well_known.clone(), &plan.ip_hosts)
        {
            return (Answer::Error(e.to_string()), None);
        }
        let browser = match &mut self.browser {
            Some(b) => b,
            None => match (self.launcher)(&mut self.server) {
                Ok(b) => {
                    self.restarts += 1;
                    self.browser.insert(b)
                }
                Err(e) => {
                    return (
                        Answer::Error(format!("cannot restart the browser: {e}")),
                        None,
                    )
                }
            },
        };
        match browser.run(&plan, &mut self.server) {
            Ok(page)
                if plan
                    .expected_origin
                    .as_ref()
                    .is_some_and(|o| *o != page.origin) =>
            {
                // An HSTS upgrade, a redirect or an error page: the browser keeps no page
                // at the case's origin, so this is not the case's caller.
                let expected = plan.expected_origin.clone().unwrap_or_default();
                (
                    Answer::Skipped(format!(
                        "the browser keeps no page at `{expected}`: it ended on `{}` ({})",
                        page.origin, page.href
                    )),
                    Some(page),
                )
            }
            Ok(page) => (ceremony::classify(&page), Some(page)),
            Err(Failure::NotNavigable(why)) => (Answer::Skipped(why), None),
            Err(Failure::Broken(why)) => {
                // The next case gets a fresh browser.
                self.browser = None;
                (Answer::Error(why), None)
            }
        }
    }
}

impl Target for BrowserTarget {
    fn name(&self) -> String {
        format!("{} {}", self.kind, self.version)
    }

    fn client_profiles(&self) -> Option<Vec<ProfileId>> {
        Some(vec![self.kind.profile()])
    }

    fn check_client(&mut self, case: &ClientCase, profile: &Profile) -> Answer {
        if profile.id != self.kind.profile() {
            return Answer::Skipped(format!(
                "the {} oracle answers for the `{}` profile only",
                self.kind,
                self.kind.profile()
            ));
        }
        let start = Instant::now();
        let (mut answer, page) = self.attempt(case);
        let requests = self.server.take_log();
        let fetches = requests.iter().filter(|r| r.is_well_known()).count();
        if let Answer::Verdict {
            explanation: Some(e),
            ..
        } = &mut answer
        {
            match fetches {
                0 => e.push_str(" [no well-known fetch]"),
                n => e.push_str(&format!(" [well-known fetched {n}x]")),
            }
        }
        let record = CaseRecord {
            id: case.id.clone(),
            browser: self.kind,
            page,
            answer: match &answer {
                Answer::Verdict { verdict, .. } => Actual::from(*verdict),
                Answer::Skipped(_) => Actual::Skipped,
                Answer::Error(_) => Actual::Error,
            },
            requests,
            elapsed_ms: start.elapsed().as_secs_f64() * 1000.0,
        };
        if let Some(progress) = &mut self.progress {
            progress(&record);
        }
        self.records.push(record);
        answer
    }
}
