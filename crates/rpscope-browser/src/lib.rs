//! # rpscope-browser
//!
//! The browser oracle.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod certs;
pub mod server;
