//! ESCO benchmarks (issue 13), one-shot measurements printed as a markdown table: decoding the embedded data
//! (what the first ESCO use costs a process), building the search index, resident memory before and after, and
//! search latency p50 / p99 over one query per skill of all 13,896 (its first word, its full preferred label, and
//! for every tenth a one-letter typo). Run: `cargo bench --bench esco`.

#![expect(clippy::unwrap_used, reason = "benchmark setup fails loudly on purpose")]
#![expect(clippy::cast_precision_loss, reason = "sizes and durations far below 2^52")]

use std::time::{Duration, Instant};

use skillspass::core::esco::{Esco, Pillar, SkillKind};

/// The same allocator as the `skillspass` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The `per_mille`-th latency of a sorted list (nearest rank).
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    sorted[(sorted.len() - 1) * per_mille / 1000]
}

/// Raw ed25519-dalek `verify_strict` of 1 KiB, mean of 10,000: the unit of the ratios.
fn raw_verify() -> Duration {
    let key = skillspass::core::keys::SigningKey::from_seed(&[7; 32]);
    let message = [0x42_u8; 1024];
    let signature = key.sign(&message);
    let public = key.verifying_key();
    let start = Instant::now();
    for _ in 0..10_000 {
        assert!(public.verify(std::hint::black_box(&message), &signature));
    }
    start.elapsed() / 10_000
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let before = resident_kib();
    let start = Instant::now();
    let esco = Esco::with_imports(None, &[]).unwrap();
    let decode = start.elapsed();
    let decoded = resident_kib();
    let start = Instant::now();
    assert!(!esco.search(Pillar::Skills, "python", "en", 1).is_empty());
    let skill_index = start.elapsed();
    let start = Instant::now();
    assert!(!esco.search(Pillar::Occupations, "data analyst", "en", 1).is_empty());
    let occupation_index = start.elapsed();
    let indexed = resident_kib();
    let repeated: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            drop(std::hint::black_box(Esco::with_imports(None, &[]).unwrap()));
            start.elapsed()
        })
        .collect();

    let mut queries = Vec::new();
    let (skills, groups, _, _) = esco.counts();
    for id in 0..u32::try_from(skills + groups).unwrap() {
        if esco.skill_kind(id).0 == SkillKind::Group {
            continue;
        }
        let label = esco.skill_label(id, "en");
        queries.push(label.split_whitespace().next().unwrap_or_default().to_owned());
        if id % 10 == 0 && label.len() > 6 {
            let mut typo: Vec<char> = label.chars().collect();
            typo.swap(2, 3);
            queries.push(typo.into_iter().collect());
        }
        queries.push(label);
    }
    let mut latencies: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let start = Instant::now();
            std::hint::black_box(esco.search(Pillar::Skills, q, "en", 10));
            start.elapsed()
        })
        .collect();
    latencies.sort();
    let mean = latencies.iter().sum::<Duration>() / u32::try_from(latencies.len()).unwrap();

    let raw = raw_verify();

    println!("| Measurement | Result |");
    println!("| --- | --- |");
    println!(
        "| decode the embedded ESCO (first use in a process; then 3 more after the measurements below: mean) | {:.0} ms ({:.0} ms) |",
        ms(decode),
        ms(repeated.iter().sum::<Duration>() / 3)
    );
    println!("| build the skill search index (first skill search) | {:.0} ms |", ms(skill_index));
    println!("| build the occupation search index (first occupation search) | {:.0} ms |", ms(occupation_index));
    println!(
        "| resident memory: before / after decoding / after both indexes | {:.1} / {:.1} / {:.1} MiB |",
        before as f64 / 1024.0,
        decoded as f64 / 1024.0,
        indexed as f64 / 1024.0
    );
    println!(
        "| raw ed25519-dalek `verify_strict` of 1 KiB (mean of 10,000; the unit below) | {:.1} µs |",
        raw.as_secs_f64() * 1e6
    );
    println!(
        "| skill search p50 / p99 in raw verifies | {:.2} / {:.1} |",
        percentile(&latencies, 500).as_secs_f64() / raw.as_secs_f64(),
        percentile(&latencies, 990).as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "| skill search, {} queries (first word, full label, every tenth with a typo): p50 / p99 / max / mean | {:.3} / {:.3} / {:.3} / {:.3} ms |",
        latencies.len(),
        ms(percentile(&latencies, 500)),
        ms(percentile(&latencies, 990)),
        ms(*latencies.last().unwrap()),
        ms(mean)
    );
}
