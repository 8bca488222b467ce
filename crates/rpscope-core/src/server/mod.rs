//! Server-side origin policy: what an RP checks after a ceremony.
//!
//! An RP writes a [`Policy`] (RP IDs, origin patterns, cross-origin rules),
//! compiles it once ([`Policy::compile`]), then [`verify`]s each ceremony's
//! `clientDataJSON.origin`, `crossOrigin`, `topOrigin` and `rpIdHash`. Matching
//! a presented origin costs time linear in its length, whatever the number of
//! patterns, and allocates nothing.
//!
//! | module | holds |
//! |---|---|
//! | [`policy`] | the policy and its compiled form |
//! | [`lint`] | problems in a configuration, with fixes (`rpscope lint`) |
//! | [`pattern`] | origin patterns and their normal form |
//! | [`presented`] | reading a presented origin without allocating |
//! | `matcher` | the compiled matcher (internal; its answers are `verify`'s) |
//! | [`verify`](mod@verify) | the verification steps and their verdict |

pub mod lint;
mod matcher;
pub mod pattern;
pub mod policy;
pub mod presented;
pub mod verify;

pub use matcher::Matched;
pub use pattern::Pattern;
pub use policy::{Compile, CompiledPolicy, Policy, PolicyError};
pub use verify::{verify, verify_or_refuse, ServerRequest, ServerVerdict};
