//! The origin readers agree with the URL Standard and round-trip (input: one string).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::origin_parse(data));
