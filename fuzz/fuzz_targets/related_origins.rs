//! The related-origins procedure never panics and only matches the caller's own origin (input: a `ClientQuestion` in its line form, as `client_check`).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::related_origins(data));
