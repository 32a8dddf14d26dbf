//! The `[observers]` section of the configuration file (see `docs/observers-guide.md` and
//! `pgbridge.example.toml`). It is kept as raw TOML by `crate::config` and read here, after
//! `${VAR}` references in its strings are replaced by environment variables (so secrets stay
//! out of the file).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Why the observer configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("[observers] {0}")]
pub struct ObserversConfigError(pub String);

fn error(message: impl Into<String>) -> ObserversConfigError {
    ObserversConfigError(message.into())
}

/// The whole `[observers]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObserversConfig {
    /// Off: nothing is captured or delivered (the section may stay in the file).
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// The CloudEvents `source` prefix; the database name is appended (`pgbridge/test`).
    #[serde(default = "default_source")]
    pub source: String,
    /// Deliveries held in memory at most; past it new events wait in the journal only and
    /// are read back in commit order as deliveries finish.
    #[serde(default = "default_queue_capacity")]
    pub queue_capacity: usize,
    #[serde(default)]
    pub journal: JournalConfig,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub dedup: DedupConfig,
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
}

fn enabled() -> bool {
    true
}

fn default_queue_capacity() -> usize {
    100_000
}

fn default_source() -> String {
    "pgbridge".to_owned()
}

/// Where events wait between commit and delivery, and where dead ones stay.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JournalConfig {
    /// The journal's SQLite file (created if missing); `:memory:` keeps nothing across restarts.
    pub path: PathBuf,
    /// `normal` (the default, the same guarantee as the SQLite backend's own commits): survives
    /// a crash of pgbridge (`kill -9`) but not a power loss; `full`: fsync at each group commit,
    /// surviving power loss too, at the price of one fsync per commit group.
    pub sync: String,
}

impl Default for JournalConfig {
    fn default() -> Self {
        JournalConfig {
            path: PathBuf::from("pgbridge-observers.db"),
            sync: "normal".to_owned(),
        }
    }
}

/// Settings every target inherits.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub retry: RetryConfig,
}

/// When and how often a failed delivery is tried again.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryConfig {
    /// Attempts in all, the first included; after the last the event goes to the dead-letter
    /// queue.
    pub max_attempts: usize,
    pub initial_backoff: String,
    pub multiplier: f32,
    pub max_backoff: String,
    /// `full` (a random delay up to the backoff, as AWS recommends) or `none`.
    pub jitter: String,
    /// Wait at least as long as a 429/503 answer's `Retry-After` asks.
    pub respect_retry_after: bool,
    /// HTTP statuses tried again; other 4xx and 5xx answers are final.
    pub retry_on_status: Vec<u16>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 8,
            initial_backoff: "1s".to_owned(),
            multiplier: 2.0,
            max_backoff: "10m".to_owned(),
            jitter: "full".to_owned(),
            respect_retry_after: true,
            retry_on_status: vec![408, 425, 429, 500, 502, 503, 504],
        }
    }
}

/// The retry schedule with its durations read.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: usize,
    pub initial_backoff: Duration,
    pub multiplier: f32,
    pub max_backoff: Duration,
    pub jitter: bool,
    pub respect_retry_after: bool,
    pub retry_on_status: Vec<u16>,
}

impl RetryConfig {
    pub fn policy(&self, target: &str) -> Result<RetryPolicy, ObserversConfigError> {
        if self.max_attempts == 0 {
            return Err(error(format!(
                "target \"{target}\": retry.max_attempts must be at least 1"
            )));
        }
        let jitter = match self.jitter.as_str() {
            "full" => true,
            "none" => false,
            other => {
                return Err(error(format!(
                    "target \"{target}\": retry.jitter \"{other}\" is not full or none"
                )));
            }
        };
        Ok(RetryPolicy {
            max_attempts: self.max_attempts,
            initial_backoff: duration(&self.initial_backoff, "retry.initial_backoff")?,
            multiplier: self.multiplier,
            max_backoff: duration(&self.max_backoff, "retry.max_backoff")?,
            jitter,
            respect_retry_after: self.respect_retry_after,
            retry_on_status: self.retry_on_status.clone(),
        })
    }
}

/// Delivering the same event id to the same target twice within the window is skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    pub window: String,
    pub max_entries: u64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            window: "5m".to_owned(),
            max_entries: 100_000,
        }
    }
}

/// Several events per request: a target that accepts arrays gets up to `max_events`, sent
/// when full or `max_wait` after the first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchConfig {
    pub max_events: usize,
    pub max_wait: String,
}

/// One place events are delivered to. `kind` decides which of the other keys apply.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub name: String,
    /// `webhook`, `slack`, `twilio` or `email`.
    pub kind: String,
    /// webhook: the URL events are POSTed to.
    pub url: Option<String>,
    /// webhook: the Standard Webhooks signing secret (`whsec_` + base64, or raw text).
    pub secret: Option<String>,
    /// webhook: extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// slack: the incoming webhook URL.
    pub webhook_url: Option<String>,
    /// slack: at most this many messages per second per channel (`1/s`).
    pub rate_limit: Option<String>,
    /// twilio: the REST API's base URL (default `https://api.twilio.com`).
    pub base_url: Option<String>,
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    /// twilio and email: the sender.
    pub from: Option<String>,
    /// twilio and email: the recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// email: `smtp://host:port`, `smtps://user:pass@host:465` or `smtp://...?tls=starttls`.
    pub smtp_url: Option<String>,
    /// slack, twilio and email: the message text; `{{table}}`, `{{op}}`, `{{id}}`, `{{key}}`,
    /// `{{new.COLUMN}}` and `{{old.COLUMN}}` are replaced.
    pub template: Option<String>,
    /// How long one delivery attempt may take.
    #[serde(default = "default_timeout")]
    pub timeout: String,
    /// Deliveries in flight at once; events of one row always go one after another.
    #[serde(default = "default_in_flight")]
    pub max_in_flight: usize,
    pub retry: Option<RetryConfig>,
    pub batch: Option<BatchConfig>,
}

fn default_timeout() -> String {
    "15s".to_owned()
}

fn default_in_flight() -> usize {
    16
}

/// Which events go to which targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub name: String,
    /// Table name globs (`orders`, `public.orders`, `audit_*`); empty: every table.
    #[serde(default)]
    pub tables: Vec<String>,
    /// INSERT, UPDATE, DELETE, TRUNCATE, DDL; empty: INSERT, UPDATE and DELETE.
    #[serde(default)]
    pub operations: Vec<String>,
    /// UPDATEs fire only when one of these columns changed (Hasura's semantics).
    #[serde(default)]
    pub columns: Vec<String>,
    /// A CEL predicate over `new`, `old`, `table` and `op`.
    pub when: Option<String>,
    /// Only these columns appear in `new` and `old` of the delivered event.
    #[serde(default)]
    pub payload_columns: Vec<String>,
    pub targets: Vec<String>,
}

/// Reads a duration such as `250ms`, `15s`, `10m`.
pub fn duration(text: &str, key: &str) -> Result<Duration, ObserversConfigError> {
    humantime::parse_duration(text)
        .map_err(|e| error(format!("{key} = \"{text}\" is not a duration ({e})")))
}

impl ObserversConfig {
    /// Reads the section, with `${VAR}` replaced in every string.
    pub fn from_table(table: &toml::Table) -> Result<ObserversConfig, ObserversConfigError> {
        let mut value = toml::Value::Table(table.clone());
        expand_environment(&mut value)?;
        value
            .try_into()
            .map_err(|e: toml::de::Error| error(e.message().to_owned()))
    }
}

fn expand_environment(value: &mut toml::Value) -> Result<(), ObserversConfigError> {
    match value {
        toml::Value::String(text) => *text = expand(text)?,
        toml::Value::Array(items) => {
            for item in items {
                expand_environment(item)?;
            }
        }
        toml::Value::Table(table) => {
            for (_, item) in table.iter_mut() {
                expand_environment(item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Replaces each `${NAME}` with the environment variable NAME, which must be set.
fn expand(text: &str) -> Result<String, ObserversConfigError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| error(format!("unclosed ${{ in \"{text}\"")))?;
        let name = &after[..end];
        let value = std::env::var(name).map_err(|_| {
            error(format!(
                "environment variable {name} (named in \"{text}\") is not set"
            ))
        })?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_references_are_expanded_and_missing_ones_named() {
        // SAFETY of the test: PATH is set in every environment cargo runs tests in.
        let path = std::env::var("PATH").unwrap();
        assert_eq!(expand("a${PATH}b").unwrap(), format!("a{path}b"));
        let missing = expand("${PGBRIDGE_SURELY_UNSET_VARIABLE}").unwrap_err();
        assert!(missing.0.contains("PGBRIDGE_SURELY_UNSET_VARIABLE"));
        assert!(expand("${OPEN").is_err());
    }

    #[test]
    fn a_minimal_section_parses_with_defaults() {
        let table: toml::Table = toml::from_str(
            r#"
            [[targets]]
            name = "hook"
            kind = "webhook"
            url = "http://127.0.0.1:1/"
            [[rules]]
            name = "all"
            targets = ["hook"]
            "#,
        )
        .unwrap();
        let config = ObserversConfig::from_table(&table).unwrap();
        assert_eq!(config.targets[0].max_in_flight, 16);
        assert_eq!(config.defaults.retry.max_attempts, 8);
        assert!(ObserversConfig::from_table(&toml::from_str("unknown = 1").unwrap()).is_err());
    }
}
