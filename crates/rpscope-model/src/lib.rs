//! # rpscope-model
//!
//! The vocabulary every other rpscope crate speaks, with no behaviour behind it:
//!
//! * [`profile`]: [`ProfileId`], the registry of client profiles (each names its
//!   [`PslSnapshotId`] and, for a browser profile, its [`Browser`]);
//! * [`reason`]: [`Verdict`] and the stable [`Reason`] codes;
//! * [`expectation`]: [`Outcome`] and [`PerProfile`], a default plus per-profile overrides;
//! * [`result`]: what a target answered ([`Actual`]) and how a case fared ([`CaseResult`]);
//! * [`ceremony`]: [`Side`] and [`Ceremony`];
//! * [`well_known`]: an owned `/.well-known/webauthn` response ([`WellKnown`]);
//! * [`measured`]: verdicts measured in real browsers ([`Measurement`]);
//! * [`policy`]: an RP's origin policy as it writes it ([`Policy`]);
//! * [`protocol`]: the adapter protocol's messages (version [`protocol::PROTOCOL`]);
//! * [`question`]: a client-side question with its line codec ([`ClientQuestion`]), the
//!   input format of the client-side fuzz targets and their seeds;
//! * [`mobile_question`]: a served mobile association file with its line codec
//!   ([`MobileQuestion`]), the input format of the `mobile_files` fuzz target.
//!
//! It depends on serde and schemars only, so the core, the corpus, the runners, the
//! fuzz oracles and the CLI share these types without sharing anything else.
//! Adding a profile is adding a [`ProfileId`] variant: the command line, the adapter
//! protocol, help texts and the corpus loader (which refuses a case that gives no
//! expectation for it) all derive from [`ProfileId::ALL`].
//!
//! ```
//! use rpscope_model::{Outcome, PerProfile, ProfileId};
//! let expected: PerProfile<Outcome> =
//!     toml::from_str::<toml::Table>(r#"e = { default = "reject", chromium = "accept" }"#)
//!         .unwrap()["e"].clone().try_into().unwrap();
//! assert_eq!(expected.get(ProfileId::Chromium), Some(Outcome::Accept));
//! assert_eq!(expected.get(ProfileId::Firefox), Some(Outcome::Reject));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ceremony;
pub mod expectation;
pub mod measured;
pub mod mobile_question;
pub mod policy;
pub mod profile;
pub mod protocol;
pub mod psl_snapshot;
pub mod question;
pub mod reason;
pub mod result;
pub mod well_known;

pub use ceremony::{Ceremony, Side};
pub use expectation::{Outcome, PerProfile};
pub use measured::{Measurement, MeasurementFile};
pub use mobile_question::{MobileQuestion, MobileReader};
pub use policy::Policy;
pub use profile::{Browser, ProfileId, PslSnapshotId};
pub use psl_snapshot::{PslSnapshotFile, PslSnapshotRecord, RuleChange};
pub use question::ClientQuestion;
pub use reason::{Reason, Verdict};
pub use result::{Actual, CaseResult, Class, Presented, RunAs, Status, WellKnownSummary};
pub use well_known::WellKnown;
