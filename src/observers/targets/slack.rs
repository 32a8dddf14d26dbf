//! Slack incoming webhooks: each delivery is one message POSTed to `webhook_url` as
//! `{"text": ..., "blocks": [...]}` (the text is the notification fallback, the blocks what
//! Slack shows): the operation, table and key, and for an UPDATE the columns that changed. A
//! batch becomes one digest message. `template` replaces the text of each event.
//!
//! Slack allows about one message per second per channel and answers 429 with `Retry-After`
//! past it, so messages to one webhook URL (one channel) are spaced by `rate_limit` (default
//! `1/s`) across every target that posts there, with a `governor` GCRA limiter.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value as Json, json};

use super::template::Fields;
use super::{DeliveryError, Target, http};
use crate::observers::config::{ObserversConfigError, TargetConfig};
use crate::observers::event::Event;

/// Blocks in one Slack message at most (Slack's limit).
const MAX_BLOCKS: usize = 50;
/// Characters in one section's text at most (Slack's limit).
const MAX_SECTION: usize = 3000;
/// Fields in one section at most (Slack's limit).
const MAX_FIELDS: usize = 10;

/// A Slack target.
pub struct Slack {
    client: reqwest::Client,
    url: reqwest::Url,
    template: Option<String>,
    limiter: Arc<DefaultDirectRateLimiter>,
    retry_on_status: Vec<u16>,
}

impl Slack {
    /// `retry_on_status`: the statuses the target's retry policy tries again.
    pub fn new(
        config: &TargetConfig,
        timeout: Duration,
        retry_on_status: Vec<u16>,
    ) -> Result<Slack, ObserversConfigError> {
        let problem = |message: String| {
            ObserversConfigError(format!("target \"{}\": {message}", config.name))
        };
        let url = config
            .webhook_url
            .as_deref()
            .ok_or_else(|| problem("a slack target needs webhook_url".to_owned()))?;
        let url =
            reqwest::Url::parse(url).map_err(|e| problem(format!("webhook_url \"{url}\": {e}")))?;
        let period = rate_period(config.rate_limit.as_deref().unwrap_or("1/s")).map_err(problem)?;
        let client = http::client(config, timeout)?;
        Ok(Slack {
            client,
            limiter: channel_limiter(url.as_str(), period),
            url,
            template: config.template.clone(),
            retry_on_status,
        })
    }
}

/// `N/s`, `N/m` or `N/h`: the time between two messages.
fn rate_period(text: &str) -> Result<Duration, String> {
    let bad = || format!("rate_limit = \"{text}\" is not N/s, N/m or N/h");
    let (count, unit) = text.split_once('/').ok_or_else(bad)?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    let unit = match unit.trim() {
        "s" => Duration::from_secs(1),
        "m" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        _ => return Err(bad()),
    };
    if count == 0 {
        return Err(bad());
    }
    Ok(unit / count)
}

/// The limiter of one channel, shared by every target posting to the same webhook URL (the
/// first one built sets the rate).
fn channel_limiter(url: &str, period: Duration) -> Arc<DefaultDirectRateLimiter> {
    static CHANNELS: OnceLock<Mutex<HashMap<String, Arc<DefaultDirectRateLimiter>>>> =
        OnceLock::new();
    let mut channels = CHANNELS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(channels.entry(url.to_owned()).or_insert_with(|| {
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        Arc::new(RateLimiter::direct(quota))
    }))
}

/// Slack's mrkdwn needs `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit - 1).collect();
    out.push('…');
    out
}

fn section(text: &str) -> Json {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION)}})
}

/// `*UPDATE* on `orders` (key `7`)`.
fn headline(fields: &Fields) -> String {
    let mut line = format!("*{}* on `{}`", fields.op(), escape(&fields.event.table));
    if !fields.key().is_empty() {
        line.push_str(&format!(" (key `{}`)", escape(fields.key())));
    }
    line
}

/// The message of one event.
fn single(fields: &Fields, template: Option<&str>) -> Json {
    let text = fields.text(template);
    let mut blocks = vec![section(&match template {
        Some(_) => escape(&text),
        None => headline(fields),
    })];
    let changed = fields.changed();
    if !changed.is_empty() {
        let columns: Vec<Json> = changed
            .iter()
            .take(MAX_FIELDS)
            .map(|(column, old, new)| {
                json!({"type": "mrkdwn", "text": cut(&format!("*{}*\n{} → {}", escape(column), escape(old), escape(new)), 2000)})
            })
            .collect();
        blocks.push(json!({"type": "section", "fields": columns}));
    }
    json!({"text": text, "blocks": blocks})
}

/// The digest of a batch: a count, then one line per event.
fn digest(all: &[Fields], template: Option<&str>) -> Json {
    let lines: Vec<String> = all.iter().map(|fields| fields.text(template)).collect();
    let title = format!("{} changes", all.len());
    let mut blocks = vec![section(&format!("*{title}*"))];
    let room = MAX_BLOCKS - 2;
    for (fields, line) in all.iter().zip(&lines).take(room) {
        blocks.push(section(&match template {
            Some(_) => escape(line),
            None => {
                let changed: Vec<String> = fields
                    .changed()
                    .iter()
                    .map(|(column, old, new)| {
                        format!("{}: {} → {}", escape(column), escape(old), escape(new))
                    })
                    .collect();
                if changed.is_empty() {
                    headline(fields)
                } else {
                    format!("{}: {}", headline(fields), changed.join(", "))
                }
            }
        }));
    }
    if all.len() > room {
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": format!("and {} more", all.len() - room)}]}));
    }
    json!({"text": format!("{title}:\n{}", lines.join("\n")), "blocks": blocks})
}

#[async_trait]
impl Target for Slack {
    async fn deliver(&self, events: &[Arc<Event>]) -> Result<(), DeliveryError> {
        let all: Vec<Fields> = events.iter().map(|event| Fields::of(event)).collect();
        let template = self.template.as_deref();
        let message = match all.as_slice() {
            [one] => single(one, template),
            many => digest(many, template),
        };
        self.limiter.until_ready().await;
        let request = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(message.to_string());
        // The URL is a secret (anyone who has it can post): name only its host.
        let what = format!("POST to Slack ({})", self.url.host_str().unwrap_or(""));
        http::send(request, &what, |status| {
            self.retry_on_status.contains(&status.as_u16())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_as_periods() {
        assert_eq!(rate_period("1/s"), Ok(Duration::from_secs(1)));
        assert_eq!(rate_period("4/s"), Ok(Duration::from_millis(250)));
        assert_eq!(rate_period("30/m"), Ok(Duration::from_secs(2)));
        assert!(rate_period("0/s").is_err());
        assert!(rate_period("fast").is_err());
        assert!(rate_period("1/d").is_err());
    }
}
