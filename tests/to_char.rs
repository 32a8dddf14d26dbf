//! `to_char` of dates and timestamps on SQLite against the real PostgreSQL of the machine (the
//! oracle, see tests/common/oracle.rs): every template pattern pgbridge formats, in each letter
//! case, with and without `FM`, over dates that reach the edges (leap days, year ends, ISO
//! weeks of the previous year, midnight and noon). Compared as text, in UTC on both sides.

mod common;

use common::oracle::{both_with_schema, differences};

const SCHEMA: &str = "SET TimeZone = 'UTC';
    CREATE TABLE moments (id int PRIMARY KEY, at timestamp, atz timestamptz, day date);
    INSERT INTO moments VALUES
        (1, '2024-02-29 00:00:00', '2024-02-29 12:00:00+00', '2024-02-29'),
        (2, '2021-01-03 23:59:59.123456', '2020-12-31 06:05:04.5+00', '2021-01-01'),
        (3, '1999-12-31 12:30:07.05', '2001-01-01 00:00:00+00', '2000-01-10'),
        (4, '2024-11-11 13:01:02', '2024-11-22 21:03:00+00', '2024-11-23'),
        (5, NULL, NULL, NULL)";

const TEMPLATES: &[&str] = &[
    "YYYY-MM-DD HH24:MI:SS",
    "DD/MM/YYYY HH12:MI AM",
    "FMDD/FMMM/YY hh12:mi:ss pm",
    "Month MONTH month FMMonth Mon MON mon",
    "Day DAY day FMDay Dy DY dy",
    "YYYY YYY YY Y Y,YYY IYYY IYY IY I",
    "DDD IDDD DD D ID W WW IW Q CC J",
    "MS US FF1 FF2 FF3 FF4 FF5 FF6 SSSS",
    "DDth DDTH FMDDth Qth CCth",
    "RM rm FMRM",
    "A.M. a.m. P.M. AD ad A.D. BC",
    "\"Quarter\" Q \"of\" YYYY, \"week\" IW",
    "HH24hHH12",
];

fn queries() -> Vec<String> {
    let mut queries = Vec::new();
    for template in TEMPLATES {
        let template = template.replace('\'', "''");
        queries.push(format!(
            "SELECT id, to_char(at, '{template}'), to_char(atz, '{template}'),
                    to_char(day, '{template}') FROM moments ORDER BY id"
        ));
    }
    queries
        .push("SELECT to_char(atz, 'TZ tz OF TZH:TZM'), to_char(at, 'TZ|OF') FROM moments".into());
    queries.push("SELECT to_char(now(), 'YYYY') = extract(year FROM now())::text".into());
    queries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn to_char_formats_as_postgresql() {
    let (_server, pgbridge, oracle) = both_with_schema(SCHEMA).await;
    let queries = queries();
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let found = differences(&oracle.client, &pgbridge, &queries).await;
    oracle.drop().await;
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// PostgreSQL formats numbers and intervals too; pgbridge on SQLite says it does not, rather
/// than answer otherwise.
#[tokio::test]
async fn to_char_of_a_number_is_refused_with_0a000() {
    let server = common::TestServer::start().await;
    let client = server.client().await;
    for sql in [
        "SELECT to_char(1234.5, '9999.99')",
        "SELECT to_char(interval '1 day', 'DD')",
    ] {
        let error = client.simple_query(sql).await.unwrap_err();
        assert_eq!(common::sqlstate(&error), "0A000", "{sql}: {error}");
        let message = error.as_db_error().unwrap().message().to_owned();
        assert!(
            message.contains("to_char") && message.contains("SQLite"),
            "{message}"
        );
    }
}
