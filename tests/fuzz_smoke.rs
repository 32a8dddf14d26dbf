//! A fuzz smoke test: the code that reads untrusted bytes (Bind parameters, COPY data, SQL text)
//! gets ~20,000 pseudo-random and mutated inputs and must answer each with a value or an error
//! carrying a five-character SQLSTATE, never a panic.
//!
//! The same entry points as the cargo-fuzz targets under `fuzz/` (see docs/testing.md), on
//! stable Rust and in a few seconds, so CI exercises them on every change. The generator is a
//! seeded xorshift: a failure reproduces from the printed input.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pgbridge_dialects::{PgType, SchemaLookup, Target, infer, parse, translate};
use pgbridge_proxy::copy_format::{RecordSplitter, parse_record};
use pgbridge_proxy::decode::decode_parameter;
use pgbridge_proxy::{CopyFormat, SqlError};

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

/// Bytes that matter to the parsers under test, picked more often than chance would.
const INTERESTING: &[u8] = b"\\\"',;\t\n\r()$:.-+eE0123456789xN \x00\xff\xc3";

/// One mutation of `seed`: flip, insert, delete, duplicate a slice, or splice another seed.
fn mutate(rng: &mut Rng, seed: &[u8], corpus: &[&[u8]]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.byte();
            }
            1 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            4 => {
                let other = corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                out.splice(at..at, other[from..].iter().copied());
            }
            _ => {
                let len = rng.below(12);
                out.splice(at..at, (0..len).map(|_| rng.byte()));
            }
        }
    }
    out
}

/// Random bytes or a mutated seed, half and half.
fn input(rng: &mut Rng, corpus: &[&[u8]]) -> Vec<u8> {
    if rng.below(4) == 0 {
        let len = rng.below(40);
        (0..len).map(|_| rng.byte()).collect()
    } else {
        let seed = corpus[rng.below(corpus.len())];
        mutate(rng, seed, corpus)
    }
}

/// `n` scaled by `PGBRIDGE_FUZZ_SCALE` (default 1), for a longer local hunt.
fn iterations(n: usize) -> usize {
    let scale = std::env::var("PGBRIDGE_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1);
    n * scale
}

fn check_error(error: &SqlError, what: &str, input: &[u8]) {
    assert!(
        error.code.len() == 5
            && error
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{what}: bad SQLSTATE {:?} for input {:?}",
        error.code,
        String::from_utf8_lossy(input)
    );
}

/// Runs `f` and fails the test with the input if it panics.
fn no_panic<T>(what: &str, input: &[u8], f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(_) => panic!("{what} panicked on input {input:?}"),
    }
}

const PARAMETER_SEEDS: &[&[u8]] = &[
    b"42",
    b"-32768",
    b"9223372036854775807",
    b"1.5e300",
    b"NaN",
    b"-Infinity",
    b"12345.678",
    b"t",
    b"off",
    b"2024-02-29",
    b"2024-01-01 12:00:00.123456+05:30",
    b"2024-01-01T12:00:00Z",
    b"13:45:10.25",
    b"1 day 02:00:00",
    b"P1Y2M3DT4H5M6S",
    b"-3 hours",
    b"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    b"{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
    b"\\x00ff10",
    b"a\\\\b\\001",
    b"{\"k\": [1, 2]}",
    b"\x01{\"k\": 1}",
    b"\x00\x00\x00\x01",
    b"\x00\x00\x00\x00\x00\x00\x00\x01",
    b"\x00\x03\x00\x01\x00\x00\x00\x03\x00\x01\x09\x29\x1a\x7c",
    b"\x00\x01\xff\xfe\x00\x00\x00\x06\x04\xb0",
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02",
];

#[test]
fn bind_parameters_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..iterations(8_000) {
        let bytes = input(&mut rng, PARAMETER_SEEDS);
        let pg_type = PgType::ALL[rng.below(PgType::ALL.len())];
        let binary = rng.below(2) == 0;
        let result = no_panic("decode_parameter", &bytes, || {
            decode_parameter(Some(&bytes), pg_type, binary)
        });
        if let Err(error) = result {
            check_error(&error, "decode_parameter", &bytes);
        }
    }
}

const COPY_SEEDS: &[&[u8]] = &[
    b"1\tone\t\\N\n2\ttwo\\ttab\t3.5\n",
    b"a\\nb\\\\c\t\\x41\\101\n\\.\n",
    b"1,one,\n2,\"two, \"\"quoted\"\"\",\"\"\n",
    b"id,name\r\n1,\"multi\nline\"\r\n",
    b"\"open quote,1\n",
    b"ends with backslash\\\n",
];

fn copy_formats() -> [CopyFormat; 4] {
    [
        CopyFormat::default(),
        CopyFormat::Text {
            delimiter: '|',
            null: String::new(),
        },
        CopyFormat::csv(),
        CopyFormat::Csv {
            delimiter: ';',
            quote: '\'',
            escape: '\\',
            null: "NULL".to_owned(),
            header: true,
        },
    ]
}

#[test]
fn copy_data_never_panics() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let formats = copy_formats();
    for _ in 0..iterations(6_000) {
        let data = input(&mut rng, COPY_SEEDS);
        let format = &formats[rng.below(formats.len())];
        no_panic("COPY splitter and parser", &data, || {
            let mut splitter = RecordSplitter::default();
            let mut records = Vec::new();
            // Chunk boundaries anywhere, as CopyData messages may fall.
            let cut = rng.below(data.len() + 1);
            for chunk in [&data[..cut], &data[cut..]] {
                match splitter.push(chunk, format) {
                    Ok(more) => records.extend(more),
                    Err(error) => check_error(&error, "RecordSplitter::push", &data),
                }
            }
            match splitter.finish() {
                Ok(last) => records.extend(last),
                Err(error) => check_error(&error, "RecordSplitter::finish", &data),
            }
            for record in records {
                if let Err(error) = parse_record(&record, format) {
                    check_error(&error, "parse_record", &data);
                }
            }
        });
    }
}

const SQL_SEEDS: &[&[u8]] = &[
    b"SELECT id, name FROM t WHERE id = $1 ORDER BY name LIMIT 10 OFFSET $2",
    b"INSERT INTO t (id, name) VALUES ($1, 'x') ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING *",
    b"UPDATE t SET name = upper(name) || '!' WHERE id IN (SELECT id FROM t WHERE name ILIKE 'a%')",
    b"DELETE FROM t WHERE created < now() - interval '1 day' RETURNING id",
    b"SELECT count(*), sum(id), avg(id)::numeric(10,2) FROM t GROUP BY name HAVING count(*) > 1",
    b"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n / 2, n % 2 FROM r",
    b"SELECT CASE WHEN id > 0 THEN 'pos' ELSE NULL END, coalesce(name, ''), id::text, '1'::int8 FROM t",
    b"SELECT DISTINCT ON (name) name FROM t ORDER BY name, id DESC NULLS FIRST",
    b"CREATE TABLE u (id serial PRIMARY KEY, v varchar(20) NOT NULL DEFAULT 'x', n numeric(12,2), at timestamptz DEFAULT now(), j jsonb, b bytea, g uuid DEFAULT gen_random_uuid())",
    b"ALTER TABLE t ADD COLUMN flag boolean DEFAULT false",
    b"DROP TABLE IF EXISTS a, b CASCADE",
    b"SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND pg_table_is_visible(c.oid)",
    b"SELECT 't'::regclass, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a",
    b"SELECT * FROM t FOR UPDATE SKIP LOCKED",
    b"SELECT ARRAY[1, 2], x FROM t, LATERAL (SELECT 1 AS x) s",
    b"SELECT name ~* 'a.c', E'esc\\n', $$dollar$$ FROM t",
    b"BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY; COMMIT",
    b"COPY t (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)",
];

struct FuzzSchema;

impl SchemaLookup for FuzzSchema {
    fn table_columns(&self, table: &str) -> Option<Vec<(String, PgType)>> {
        (table == "t").then(|| {
            vec![
                ("id".to_owned(), PgType::Int4),
                ("name".to_owned(), PgType::Text),
                ("created".to_owned(), PgType::Timestamptz),
            ]
        })
    }
}

#[test]
fn sql_text_never_panics() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..iterations(6_000) {
        let bytes = input(&mut rng, SQL_SEEDS);
        let sql = String::from_utf8_lossy(&bytes);
        no_panic("parse, translate, infer", &bytes, || match parse(&sql) {
            Ok(statements) => {
                for statement in &statements {
                    if let Err(error) = translate(statement, Target::Sqlite) {
                        assert_eq!(error.sqlstate().len(), 5);
                    }
                    let _ = infer(statement, &FuzzSchema);
                }
            }
            Err(error) => assert_eq!(error.sqlstate(), "42601"),
        });
    }
}

/// A valid binary COPY stream to mutate: header, one tuple (int4 7, NULL), trailer.
const BINARY_COPY_SEED: &[u8] =
    b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x04\0\0\0\x07\xff\xff\xff\xff\xff\xff";

#[test]
fn binary_copy_data_never_panics() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..iterations(6_000) {
        let data = input(&mut rng, &[BINARY_COPY_SEED]);
        let cut = rng.below(data.len() + 1);
        no_panic("binary COPY reader", &data, || {
            let mut reader = pgbridge_proxy::copy_binary::BinaryTuples::default();
            for chunk in [&data[..cut], &data[cut..]] {
                match reader.push(chunk) {
                    Ok(tuples) => {
                        for field in tuples.into_iter().flatten().flatten() {
                            let pg_type = PgType::ALL[field.len() % PgType::ALL.len()];
                            if let Err(error) = decode_parameter(Some(&field), pg_type, true) {
                                check_error(&error, "binary COPY field", &data);
                            }
                        }
                    }
                    Err(error) => {
                        check_error(&error, "binary COPY reader", &data);
                        return;
                    }
                }
            }
            if let Err(error) = reader.finish() {
                check_error(&error, "binary COPY reader", &data);
            }
        });
    }
}
