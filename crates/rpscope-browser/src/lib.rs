//! # rpscope-browser
//!
//! The browser oracle: rpscope's client-side conformance cases replayed in real
//! headless browsers with a virtual authenticator, recording what each browser decides.
//!
//! * [`server`]: the local TLS/HTTP server every host name resolves to; it serves the
//!   caller's page and each case's `/.well-known/webauthn` response, and logs requests.
//! * [`certs`]: the run's own CA and leaf certificates issued per SNI name.
//! * [`plan`]: what a case asks of a browser, or why a browser cannot express it.
//! * [`ceremony`]: the script run in the page, and outcome classification.
//! * [`cdp`], [`chromium`]: headless Chromium over the DevTools protocol.
//! * [`webdriver`], [`firefox`]: Firefox ESR over WebDriver (geckodriver).
//! * [`driver`]: the [`BrowserDriver`] trait, owned processes, program discovery.
//! * [`target`]: [`target::BrowserTarget`], a browser as an `rpscope_corpus` target.
//! * [`record`]: measured verdicts written into `corpus/measured/<browser>.toml`.
//! * [`psl_snapshot`]: which Public Suffix List a browser uses, measured by bisecting the list's history.
//!
//! Every fallible public function returns [`Error`].
//! * [`annotations`]: the human classification of browser/profile disagreements.
//!
//! Nothing here runs in `cargo test` against a real browser: the oracle runs from
//! `rpscope browser` (and CI's `.ci/run`), where a missing browser is an error.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod annotations;
pub mod cdp;
pub mod ceremony;
pub mod certs;
pub mod chromium;
pub mod driver;
mod error;
pub mod firefox;
pub mod plan;
pub mod psl_snapshot;
pub mod record;
pub mod server;
pub mod target;
pub mod webdriver;

pub use driver::BrowserDriver;
pub use error::Error;
pub use target::BrowserTarget;
