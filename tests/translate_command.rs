//! `pgbridge translate`: the command users run to see what a backend will be sent.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pgbridge(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgbridge"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pgbridge starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .expect("stdin takes the SQL");
    drop(input);
    child.wait_with_output().expect("pgbridge exits")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn prints_the_translation_of_each_statement() {
    let output = pgbridge(
        &[
            "translate",
            "--to",
            "sqlite",
            "SELECT name FROM users WHERE id = $1 ORDER BY name; SELECT 7 / 2",
        ],
        None,
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "SELECT name FROM users WHERE id = ?1 ORDER BY name NULLS LAST;"
    );
    assert_eq!(lines.len(), 2, "{stdout}");
}

#[test]
fn reads_standard_input_for_dash() {
    let output = pgbridge(&["translate", "-"], Some("SELECT 'a' ILIKE 'A'"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("lower("),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn a_refusal_names_the_construct_with_its_sqlstate() {
    let output = pgbridge(&["translate", "--to", "sqlite", "SELECT ARRAY[1, 2]"], None);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("ERROR 0A000: "), "{stderr}");
    assert!(stderr.contains("SQLite"), "{stderr}");
}

#[test]
fn a_syntax_error_and_an_unknown_target_are_reported() {
    let output = pgbridge(&["translate", "SELEC 1"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("ERROR 42601: "));
    let output = pgbridge(&["translate", "--to", "oracle", "SELECT 1"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unknown target \"oracle\""));
}
