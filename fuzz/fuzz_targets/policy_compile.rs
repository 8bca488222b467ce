//! Policy parsing and compilation never panic; normal forms are fixed points (input: a policy as JSON).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::policy_compile(data));
