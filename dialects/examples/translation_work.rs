//! A fixed amount of parse / translate work over a corpus, for counting instructions.
//!
//! Wall time is noisy on a shared machine; instruction counts are not. Run the same corpus as
//! the criterion bench (`bench/translation.py` writes it, one statement per line) under
//! callgrind twice, with 0 rounds and with some, and divide the difference:
//!
//! ```text
//! cargo build --release -p pgbridge-dialects --example translation_work
//! valgrind --tool=callgrind target/release/examples/translation_work CORPUS sqlite 0
//! valgrind --tool=callgrind target/release/examples/translation_work CORPUS sqlite 5
//! ```
//!
//! The mode is `parse` (parse only) or a target name (parse + translate, as the bench's `cold_*`).

use std::hint::black_box;

use pgbridge_dialects::{Target, parse, translate};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: translation_work CORPUS parse|sqlite|mysql|mssql ROUNDS";
    let corpus = args.next().expect(usage);
    let mode = args.next().expect(usage);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).expect(usage);
    let target = match mode.as_str() {
        "parse" => None,
        name => Some(Target::from_name(name).expect(usage)),
    };
    let text = std::fs::read_to_string(&corpus).expect("the corpus is readable");
    let statements: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter(|line| parse(line).is_ok())
        .collect();
    for _ in 0..rounds {
        for sql in &statements {
            let parsed = parse(black_box(sql)).expect("kept statements parse");
            if let Some(target) = target {
                for statement in &parsed {
                    let _ = black_box(translate(statement, target));
                }
            }
        }
    }
    println!("{} statements, {rounds} rounds, {mode}", statements.len());
}
