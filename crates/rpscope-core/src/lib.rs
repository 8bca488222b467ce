//! # rpscope-core
//!
//! The verification core of rpscope: exact, pure decisions about which web
//! origins may use which WebAuthn RP ID.
//!
//! * [`client`]: what a browser decides (caller origin, RP ID syntax, HTML's
//!   registrable-domain-suffix test, Related Origin Requests), parameterised by
//!   a [`Profile`] (the spec, Chromium, Firefox).
//! * [`server`]: what an RP checks after a ceremony (origin policy, compiled once,
//!   matched without allocating), with the same reason codes.
//! * [`mobile`]: the Android and iOS association files (`assetlinks.json`,
//!   `apple-app-site-association`) judged from the bytes a fetcher hands in, and
//!   the `android:apk-key-hash:` origin a signing certificate implies.
//! * [`psl`]: the Public Suffix List, vendored and pinned, or loaded by the caller.
//! * [`reason`]: the stable reason codes every verdict carries.
//!
//! Nothing here does I/O, prints, or keeps global state: the list and the
//! profile are values the caller passes in.
//!
//! ```
//! use rpscope_core::{client::{check, ClientRequest}, Profile, PublicSuffixList, Reason};
//! let psl = PublicSuffixList::vendored();
//! let look_alike = ClientRequest { origin: "https://evil-example.com", rp_id: Some("example.com"), well_known: None };
//! assert_eq!(check(&look_alike, &Profile::SPEC, &psl).reason(), Reason::RpIdNotSuffix);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod mobile;
pub mod profile;
pub mod psl;
pub mod server;

/// The stable reason codes and verdicts (defined in `rpscope-model`, shared by every crate).
pub use rpscope_model::reason;

pub use profile::Profile;
pub use psl::{PslSnapshots, PublicSuffixList};
pub use rpscope_model::{ProfileId, PslSnapshotId, Reason, Verdict, WellKnown};
