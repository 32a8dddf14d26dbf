//! Parse + translate per statement over a corpus, cold and through the translation cache.
//!
//! Run through `bench/translation.py`, which builds the corpus (the SQL of the differential
//! cases and the PostgreSQL side of sqlglot's asserted pairs), runs this bench, times sqlglot's
//! `transpile` over the same statements and prints both with their ratio. Run alone with
//! `PGBRIDGE_TRANSLATION_CORPUS=FILE cargo bench -p pgbridge-dialects --bench translation`
//! (FILE: one statement per line).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pgbridge_dialects::{Target, TranslationCache, parse, translate};

fn corpus() -> Vec<String> {
    let path = std::env::var("PGBRIDGE_TRANSLATION_CORPUS").unwrap_or_else(|_| {
        let default = std::env::temp_dir().join("pgbridge_translation_corpus.txt");
        default.to_string_lossy().into_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!("cannot read the corpus {path} ({error}): run bench/translation.py")
    });
    let kept: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        // Only what parses: sqlglot's corpus has a few statements sqlparser rejects.
        .filter(|line| parse(line).is_ok())
        .map(str::to_owned)
        .collect();
    // bench/translation.py times sqlglot on exactly these.
    if let Ok(kept_path) = std::env::var("PGBRIDGE_TRANSLATION_KEPT") {
        std::fs::write(&kept_path, kept.join("\n") + "\n")
            .unwrap_or_else(|error| panic!("cannot write {kept_path}: {error}"));
    }
    kept
}

fn translation(c: &mut Criterion) {
    let statements = corpus();
    let mut group = c.benchmark_group("translation");
    group.throughput(Throughput::Elements(statements.len() as u64));
    group.bench_function("parse_only", |b| {
        b.iter(|| {
            for sql in &statements {
                let _ = black_box(parse(black_box(sql)));
            }
        })
    });
    for target_name in ["sqlite", "mysql", "mssql"] {
        let Some(target) = Target::from_name(target_name) else {
            continue;
        };
        group.bench_function(format!("cold_{target_name}"), |b| {
            b.iter(|| {
                for sql in &statements {
                    for statement in parse(black_box(sql)).expect("the corpus parses") {
                        let _ = black_box(translate(&statement, target));
                    }
                }
            })
        });
        let cache = TranslationCache::new(target, 100_000);
        for sql in &statements {
            cache.translate(sql).expect("the corpus parses");
        }
        group.bench_function(format!("cached_{target_name}"), |b| {
            b.iter(|| {
                for sql in &statements {
                    let _ = black_box(cache.translate(black_box(sql)));
                }
            })
        });
    }
    group.finish();
    println!("corpus: {} statements", statements.len());
}

criterion_group!(benches, translation);
criterion_main!(benches);
