//! Both batch readers answer every line with one JSON line (input: JSON Lines).
//! The oracle lives in `rpscope-oracles`, so `cargo test` replays seeds and crashes too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rpscope_oracles::batch_jsonl(data));
