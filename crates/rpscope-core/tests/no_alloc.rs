//! The hot path allocates nothing: matching a presented origin against a compiled
//! policy (and verifying a whole request) is measured with a counting global
//! allocator. This file is its own test binary, so no other test shares the counter.

use rpscope_core::server::Compile as _;
use rpscope_core::server::{verify, Policy, ServerRequest};
use rpscope_core::{PublicSuffixList, Reason};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn verifying_allocates_nothing() {
    let psl = PublicSuffixList::vendored();
    let policy = Policy {
        rp_ids: vec!["example.com".into()],
        origins: vec![
            "https://example.com".into(),
            "https://*.example.com".into(),
            "https://pve.example.net:*".into(),
            "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk".into(),
        ],
        allow_cross_origin: true,
        top_origins: vec!["https://*.partner.example".into()],
    }
    .compile(&psl)
    .unwrap();
    let hash = [7u8; 32];
    let requests = [
        ServerRequest {
            origin: "https://example.com",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://a.b.example.com",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://xn--bcher-kva.example.com",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://pve.example.net:8006",
            ..Default::default()
        },
        ServerRequest {
            origin: "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://evil-example.com",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://EXAMPLE.com/",
            ..Default::default()
        },
        ServerRequest {
            origin: "https://example.com",
            cross_origin: Some(true),
            top_origin: Some("https://shop.partner.example"),
            rp_id_hash: Some(&hash),
        },
    ];
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let mut accepts = 0;
    for _ in 0..1000 {
        for r in &requests {
            accepts += usize::from(verify(&policy, r).reason() == Reason::OriginMatch);
        }
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(
        after - before,
        0,
        "verify allocated {} times",
        after - before
    );
    assert_eq!(accepts, 5000, "the requests exercised the accept paths");
}
