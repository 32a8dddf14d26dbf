//! The translation cache: SQL text in, parsed and translated statements out, computed once.
//!
//! Applications send the same few statements over and over (an ORM's lookups, a driver's
//! prepared statements, every pgbench transaction). [`TranslationCache`] keeps the result of
//! parsing and translating a text for one target in a bounded [`moka`] cache, so a repeated
//! statement costs a hash lookup. Refusals are kept too (they are as deterministic as
//! translations); syntax errors are not, since nothing about a mistyped statement repeats.

use std::sync::Arc;

use sqlparser::ast::Statement;

use crate::{Target, TranslateError, Translation, parse, translate};

/// One statement of a cached text: its PostgreSQL AST and its translation (or the refusal).
#[derive(Debug, Clone)]
pub struct TranslatedStatement {
    pub statement: Statement,
    pub translation: Result<Translation, TranslateError>,
}

/// The statements of one SQL text, in order.
pub type TranslatedScript = Arc<[TranslatedStatement]>;

/// A bounded cache of translations for one target, shared by every session (cheap to clone).
#[derive(Clone)]
pub struct TranslationCache {
    target: Target,
    entries: moka::sync::Cache<String, TranslatedScript>,
}

impl std::fmt::Debug for TranslationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranslationCache")
            .field("target", &self.target)
            .field("entries", &self.entries.entry_count())
            .finish()
    }
}

impl TranslationCache {
    /// A cache for `target` holding at most `capacity` SQL texts (least recently used go first).
    pub fn new(target: Target, capacity: u64) -> TranslationCache {
        TranslationCache {
            target,
            entries: moka::sync::Cache::new(capacity),
        }
    }

    /// The target this cache translates for.
    pub fn target(&self) -> Target {
        self.target
    }

    /// Parses and translates `sql`, or returns what an earlier call computed for the same text.
    /// Fails only when the text does not parse (SQLSTATE 42601).
    pub fn translate(&self, sql: &str) -> Result<TranslatedScript, TranslateError> {
        if let Some(script) = self.entries.get(sql) {
            return Ok(script);
        }
        let script: TranslatedScript = parse(sql)?
            .into_iter()
            .map(|statement| TranslatedStatement {
                translation: translate(&statement, self.target),
                statement,
            })
            .collect();
        self.entries.insert(sql.to_owned(), Arc::clone(&script));
        Ok(script)
    }

    /// Forgets every cached text (after a change that alters translations).
    pub fn clear(&self) {
        self.entries.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_text_is_translated_once() {
        let cache = TranslationCache::new(Target::Sqlite, 16);
        let first = cache.translate("SELECT 1; SELECT $1::int").unwrap();
        let second = cache.translate("SELECT 1; SELECT $1::int").unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(first.len(), 2);
        assert_eq!(first[1].translation.as_ref().unwrap().parameter_count, 1);
    }

    #[test]
    fn refusals_are_cached_and_syntax_errors_are_returned() {
        let cache = TranslationCache::new(Target::Sqlite, 16);
        let script = cache.translate("SELECT ARRAY[1, 2]").unwrap();
        assert_eq!(
            script[0].translation.as_ref().unwrap_err().sqlstate(),
            "0A000"
        );
        let error = cache.translate("SELEC 1").unwrap_err();
        assert_eq!(error.sqlstate(), "42601");
        cache.entries.run_pending_tasks();
        assert_eq!(cache.entries.entry_count(), 1);
    }
}
