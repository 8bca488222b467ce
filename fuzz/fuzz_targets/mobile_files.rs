//! The association-file readers (`assetlinks.json`, `apple-app-site-association`, a
//! certificate fingerprint) keep their bounds and derive only well-formed app origins
//! from whatever a server sends. Input: a `MobileQuestion` in its line form,
//!
//! ```text
//! assetlinks | aasa | fingerprint   (any other first line: all three readers)
//! 200                               (status; not a number: 200)
//! application/json                  (Content-Type as sent)
//! 1073741824                        (declared length; empty: the body is whole)
//! https://www.example.com/x …       (redirect URLs, space-separated)
//! [{"relation": …}]                 (the body: every byte after the fifth newline)
//! ```
//!
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::mobile_files(data));
