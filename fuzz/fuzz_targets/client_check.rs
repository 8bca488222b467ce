//! The client-side check never panics and its accepts keep the scoping invariants (input: a `ClientQuestion` in its line form: origin, RP ID, profile, status, content type, redirects, body).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::client_check(data));
