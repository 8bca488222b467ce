//! # rpscope-probe
//!
//! Fetches an RP ID's well-known documents from a live deployment exactly as
//! each profile's browser would, and hands what was served to the pure core
//! (`rpscope-core`), which decides every origin under every profile.
//!
//! * [`Fetcher`]: one bounded HTTPS GET of `https://{host}/.well-known/…` under
//!   [`FetchRules`] (redirects, body cap), every hop recorded in a
//!   [`FetchRecord`]; system roots plus `--cacert`, curl's `--connect-to`, one
//!   deadline for the whole fetch.
//! * [`probe()`]: fetch once per distinct fetch behaviour of the requested
//!   profiles, decide each origin, build the label tables, read the mobile
//!   association files ([`mobile`]): a [`ProbeReport`].
//!
//! Nothing here decides anything: the rules come from
//! [`rpscope_core::profile::RelatedOriginsRules`], the verdicts from
//! [`rpscope_core::client::check`].
//!
//! ```no_run
//! use rpscope_probe::{probe, FetchOptions, Fetcher, ProbeRequest, Roots};
//! use rpscope_core::{ProfileId, PslSnapshots};
//! let fetcher = Fetcher::new(FetchOptions {
//!     roots: Roots::system(),
//!     connect_to: vec![],
//!     timeout: std::time::Duration::from_secs(10),
//! });
//! let origins = vec!["https://example.co.uk".to_owned()];
//! let request = ProbeRequest { rp_id: "example.com", origins: &origins,
//!                              profiles: ProfileId::ALL, android: false, ios: false,
//!                              policy: None };
//! let report = probe(&fetcher, &request, &PslSnapshots::builtin(), &mut |line| eprintln!("{line}")).unwrap();
//! println!("{}", serde_json::to_string_pretty(&report).unwrap());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod connect_to;
pub mod fetch;
pub mod mobile;
pub mod probe;

pub use connect_to::ConnectTo;
pub use fetch::{
    FetchError, FetchErrorKind, FetchOptions, FetchRecord, FetchRules, Fetcher, Hop, Redirects,
    Roots, MAX_READ_BYTES, MAX_REDIRECTS,
};
pub use probe::{probe, ProbeError, ProbeReport, ProbeRequest};

/// The JSON Schema of [`ProbeReport`] (`rpscope probe --schema`).
pub fn report_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ProbeReport)).unwrap_or_default()
}
