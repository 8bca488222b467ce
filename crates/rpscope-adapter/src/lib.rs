//! # rpscope-adapter
//!
//! Runs rpscope's conformance cases against any WebAuthn implementation, in any
//! language, through a small JSON Lines protocol (`docs/protocol.md`):
//!
//! * [`protocol`]: the messages, and the schemas generated from them;
//! * [`request`]: a corpus case as a request, with a real signed ceremony
//!   response built by `rpscope-ceremony`;
//! * [`process`]: one adapter process, with deadlines, bounded reads, its stderr
//!   tail kept, and its whole process group ended when it goes;
//! * [`target`]: [`AdapterTarget`], an adapter as a conformance
//!   [`Target`](rpscope_corpus::Target): control ceremony, timeouts, restarts,
//!   interruption; [`Unavailable`] for an adapter that never started.
//! * [`reference`]: the verifier behind `rpscope-reference-adapter`, a complete
//!   adapter over rpscope's own core that shows the protocol end to end.
//!
//! ```no_run
//! use rpscope_adapter::{AdapterTarget, Options};
//! use rpscope_corpus::{run, Corpus, KnownDivergences, Selection, Side};
//! let corpus = Corpus::embedded().expect("the embedded corpus loads");
//! let mut target = AdapterTarget::start("python3 adapters/py_webauthn/adapter.py", Options::default())?;
//! let selection = Selection { side: Some(Side::Server), ..Selection::default() };
//! let report = run(&corpus, &mut target, &selection, &KnownDivergences::none());
//! target.stop();
//! println!("{} of {} conform", report.passed, report.total);
//! # Ok::<(), rpscope_adapter::StartError>(())
//! ```

#![warn(missing_docs)]

pub mod matrix;
pub mod process;
/// The adapter protocol's messages, defined in `rpscope-model` beside the types they carry.
pub use rpscope_model::protocol;
pub mod reference;
pub mod request;
pub mod target;

pub use target::{AdapterTarget, Options, StartError, Unavailable};
