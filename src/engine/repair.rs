//! Statements real clients send that sqlparser does not read, repaired token by token (never by
//! matching text) and parsed again. Each repair keeps the statement's meaning.
//!
//! * psycopg: `BEGIN .. [NOT] DEFERRABLE`. DEFERRABLE only matters for SERIALIZABLE READ ONLY
//!   transactions, which on SQLite never wait anyway, so it is dropped.
//! * pgbench, psql: `COPY .. WITH (FREEZE on, HEADER off)`. PostgreSQL's boolean spellings
//!   `on`/`off` in COPY options become `true`/`false`.
//! * pgbench -i: `VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] table`. sqlparser reads only
//!   `VACUUM [FULL] table`; the other options change nothing SQLite does (see `Kind::Vacuum`).
//! * psycopg's scrollable cursors: `MOVE [direction] [FROM|IN] name`, which sqlparser does not
//!   know, is read as `FETCH .. INTO pgbridge_move` (PostgreSQL's SQL has no `FETCH .. INTO`, so
//!   the marker cannot come from a client), and a negative count `FETCH -n` as `FETCH BACKWARD n`.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer, Word};

fn is_word(token: &Token, keyword: Keyword) -> bool {
    matches!(token, Token::Word(w) if w.keyword == keyword)
}

fn is_space(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

fn last_word(kept: &[Token]) -> Option<&Token> {
    kept.iter().rev().find(|t| !is_space(t))
}

fn boolean(value: bool) -> Token {
    Token::Word(Word {
        value: if value { "true" } else { "false" }.to_owned(),
        quote_style: None,
        keyword: if value { Keyword::TRUE } else { Keyword::FALSE },
    })
}

/// The `INTO` target that marks a `FETCH` as a `MOVE` (see the module docs).
pub const MOVE_MARKER: &str = "pgbridge_move";

fn word(value: &str) -> Token {
    Token::Word(Word {
        value: value.to_owned(),
        quote_style: None,
        keyword: Keyword::NoKeyword,
    })
}

/// `MOVE ..` as `FETCH .. INTO pgbridge_move`; `FETCH -n` / `MOVE -n` as `BACKWARD n`.
fn cursor_movement(tokens: Vec<Token>) -> Option<String> {
    let first = tokens.iter().position(|t| !is_space(t))?;
    let moves = matches!(&tokens[first], Token::Word(w) if w.value.eq_ignore_ascii_case("move"));
    let fetches = is_word(&tokens[first], Keyword::FETCH);
    if !moves && !fetches {
        return None;
    }
    let mut kept: Vec<Token> = vec![word("FETCH")];
    let mut rest = tokens.into_iter().skip(first + 1).peekable();
    while rest.peek().is_some_and(is_space) {
        kept.extend(rest.next());
    }
    if rest.peek() == Some(&Token::Minus) {
        rest.next();
        kept.extend([
            word("BACKWARD"),
            Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
        ]);
    }
    kept.extend(rest);
    if moves {
        while kept
            .last()
            .is_some_and(|t| is_space(t) || *t == Token::SemiColon)
        {
            kept.pop();
        }
        kept.push(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space));
        kept.extend([
            word("INTO"),
            Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
        ]);
        kept.push(word(MOVE_MARKER));
    }
    Some(kept.iter().map(ToString::to_string).collect())
}

/// The repaired text of `sql`, if a repair applies.
pub fn repair(sql: &str) -> Option<String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    if let Some(text) = cursor_movement(tokens.clone()) {
        return (text != sql).then_some(text);
    }
    let first = tokens.iter().find(|t| !is_space(t))?;
    let transaction = is_word(first, Keyword::BEGIN) || is_word(first, Keyword::START);
    let copy = is_word(first, Keyword::COPY);
    let vacuum = is_word(first, Keyword::VACUUM);
    if !transaction && !copy && !vacuum {
        return None;
    }
    let mut kept: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if transaction && is_word(&token, Keyword::DEFERRABLE) {
            if last_word(&kept).is_some_and(|t| is_word(t, Keyword::NOT)) {
                while kept.last().is_some_and(is_space) {
                    kept.pop();
                }
                kept.pop();
            }
            continue;
        }
        let vacuum_option = [Keyword::ANALYZE, Keyword::VERBOSE, Keyword::FREEZE]
            .iter()
            .any(|keyword| is_word(&token, *keyword));
        if vacuum && vacuum_option {
            continue;
        }
        let after_option = last_word(&kept)
            .is_some_and(|t| is_word(t, Keyword::FREEZE) || is_word(t, Keyword::HEADER));
        if copy && after_option && (is_word(&token, Keyword::ON) || is_word(&token, Keyword::OFF)) {
            kept.push(boolean(is_word(&token, Keyword::ON)));
            continue;
        }
        kept.push(token);
    }
    let text: String = kept.iter().map(ToString::to_string).collect();
    (text != sql).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferrable_is_dropped() {
        assert_eq!(
            repair("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY NOT DEFERRABLE")
                .as_deref()
                .map(str::trim_end),
            Some("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY")
        );
        assert_eq!(repair("BEGIN DEFERRABLE").as_deref(), Some("BEGIN "));
    }

    #[test]
    fn copy_booleans_are_spelled_true_false() {
        assert_eq!(
            repair("copy t from stdin with (freeze on)").as_deref(),
            Some("copy t from stdin with (freeze true)")
        );
        assert!(
            pgbridge_dialects::parse(&repair("copy t from stdin with (freeze on)").unwrap())
                .is_ok()
        );
    }

    #[test]
    fn vacuum_options_are_dropped() {
        let repaired = repair("vacuum analyze pgbench_branches").unwrap();
        assert!(pgbridge_dialects::parse(&repaired).is_ok(), "{repaired}");
    }

    #[test]
    fn move_is_a_marked_fetch_and_negative_counts_go_backward() {
        assert_eq!(
            repair("MOVE 2 FROM \"c\"").as_deref(),
            Some("FETCH 2 FROM \"c\" INTO pgbridge_move")
        );
        assert_eq!(
            repair("FETCH -3 FROM c").as_deref(),
            Some("FETCH BACKWARD 3 FROM c")
        );
        for repaired in [
            repair("move absolute 0 in c").unwrap(),
            repair("FETCH -1 FROM c").unwrap(),
        ] {
            assert!(pgbridge_dialects::parse(&repaired).is_ok(), "{repaired}");
        }
    }

    #[test]
    fn other_statements_are_left_alone() {
        assert_eq!(repair("SELECT 1"), None);
    }
}
