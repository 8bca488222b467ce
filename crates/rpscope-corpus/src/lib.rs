//! # rpscope-corpus
//!
//! The conformance corpus as data, and everything that reads it:
//!
//! * [`case`]: the case format of `corpus/cases/<topic>.toml`.
//! * [`load`]: the embedded corpus or a directory.
//! * [`lint`]: the rules every case keeps (`rpscope corpus lint`).
//! * [`run`]: running cases against a [`run::ClientTarget`] and judging the answers.
//! * [`divergence`]: an implementation's known-divergence file.
//! * [`report`]: human, JSON, JUnit and Markdown reports.
//! * [`schema`]: the published JSON Schemas, generated from the types.
//! * [`mobile`]: the mobile association file cases of `corpus/mobile/<topic>.toml`, and their runner.
//! * [`psl_tests`]: the Public Suffix List's own tests, converted to cases.
//! * [`seeds`]: fuzz seeds generated from the cases (and the mobile cases).
//!
//! The cases themselves live in the repository's top-level `corpus/`, in the manner of
//! regex's `testdata/` (data) and its loader crate (code): any implementation can be held
//! against the same files.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod case;
pub mod derive;
pub mod divergence;
pub mod lint;
pub mod load;
pub mod mobile;
pub mod psl_tests;
pub mod report;
pub mod run;
pub mod schema;
pub mod seeds;

pub use case::{AnyCase, ClientCase, Expected, Outcome, ServerCase, TopicFile};
pub use divergence::KnownDivergences;
pub use load::{Corpus, LoadError, Topic};
pub use rpscope_model::{Measurement, MeasurementFile};
pub use run::{
    run, Actual, Answer, Builtin, CaseResult, Ceremony, Class, Presented, ProfileId, Report, RunAs,
    Selection, Side, Status, Target,
};
