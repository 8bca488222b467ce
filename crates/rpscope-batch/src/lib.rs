//! # rpscope-batch
//!
//! rpscope's JSON Lines batch readers, below the command line so that the fuzz
//! oracles drive exactly what `rpscope check --batch` and `rpscope verify --batch`
//! run, without the CLI's dependencies:
//!
//! * [`jsonl`]: the driver: one output line per input line, in order; a line that
//!   cannot be handled becomes an error object and the run goes on;
//! * [`check`]: a client-side question per line;
//! * [`verify`]: a policy and a presented ceremony per line.
//!
//! ```
//! use rpscope_core::PslSnapshots;
//! let psl = PslSnapshots::builtin();
//! let mut out = Vec::new();
//! let input: &[u8] = b"{\"origin\":\"https://login.example.com\",\"rp_id\":\"example.com\"}\n";
//! rpscope_batch::jsonl::run(input, &mut out, |text, answer| {
//!     rpscope_batch::check::handle_line(text, &psl, answer)
//! })
//! .unwrap();
//! assert!(String::from_utf8(out).unwrap().contains("rp-id-registrable-suffix"));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod check;
pub mod jsonl;
pub mod verify;
