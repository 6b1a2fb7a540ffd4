//! `Verifier::verify` beside bare `hmac` + `sha2` over the same bytes.
//!
//! Run: `cargo bench -p cstar-webhooks --bench verify`. The ratio line printed at the end is
//! verify throughput / bare HMAC throughput (1.0 = no overhead).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::std_instead_of_core
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use cstar_webhooks::{Secret, Verifier, sign};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &str = "whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8";
const T: i64 = 1_774_866_600;

fn bare_hmac(body: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(b"1774866600.");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Best per-call time of each closure over interleaved 10 ms rounds: interleaving and taking
/// the minimum keep the ratio honest on a busy machine.
fn best_of_interleaved(mut ours: impl FnMut(), mut bare: impl FnMut()) -> (f64, f64) {
    let mut best = (f64::MAX, f64::MAX);
    let round = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < Duration::from_millis(10) {
            for _ in 0..16 {
                f();
            }
            n += 16;
        }
        start.elapsed().as_secs_f64() / f64::from(n)
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        best.0 = best.0.min(round(&mut ours));
        best.1 = best.1.min(round(&mut bare));
    }
    best
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let verifier = Verifier::new([SECRET]);
    let mut ratios = Vec::new();
    for size in [1024usize, 64 * 1024] {
        let body: Vec<u8> = b"{\"ticket\":\"abcdefgh\"}".iter().copied().cycle().take(size).collect();
        let header = sign(&[Secret::new(SECRET)], T, &body).unwrap();
        let mut group = c.benchmark_group(format!("{}KiB", size / 1024));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("verify", |b| {
            b.iter(|| verifier.verify(black_box(Some(&header)), black_box(&body), T).unwrap());
        });
        group.bench_function("bare_hmac_sha256", |b| b.iter(|| bare_hmac(black_box(&body))));
        group.finish();
        let (ours, bare) = best_of_interleaved(
            || {
                black_box(verifier.verify(black_box(Some(&header)), black_box(&body), T).unwrap());
            },
            || {
                black_box(bare_hmac(black_box(&body)));
            },
        );
        ratios.push((size, ours, bare));
    }
    c.final_summary();
    for (size, ours, bare) in ratios {
        println!(
            "ratio {:>2} KiB: verify {:>8.0} ns, bare hmac {:>8.0} ns -> verify throughput = {:.2}x bare HMAC",
            size / 1024,
            ours * 1e9,
            bare * 1e9,
            bare / ours
        );
    }
}
