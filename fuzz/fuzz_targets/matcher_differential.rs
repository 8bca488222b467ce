//! The compiled matcher agrees with the naive reference verifier (input: `#[derive(Arbitrary)]` policies and requests).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::matcher_differential(data));
