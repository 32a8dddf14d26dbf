//! SMS through Twilio's REST API (or any service that speaks it): one
//! `POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json` per recipient, form-encoded
//! `From`, `To` and `Body`, with HTTP basic auth `account_sid:auth_token`. The body is the
//! rendered `template` (default a one-line summary; a batch has one line per event), cut to
//! Twilio's 1600 characters. 429 and 5xx answers are retried, other 4xx are final.
//!
//! A retry does not text again the recipients an earlier attempt already reached, and a
//! recipient refused for good (a bad number) does not stop the others: the delivery then ends
//! final, naming it. What each delivery settled is remembered for an hour under the id of its
//! first event.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use moka::sync::Cache;
use reqwest::header::CONTENT_TYPE;

use super::template::Fields;
use super::{DeliveryError, Target, http};
use crate::observers::config::{ObserversConfigError, TargetConfig};
use crate::observers::event::Event;

/// Twilio's limit on one message body, in characters.
const MAX_BODY: usize = 1600;

/// A Twilio target.
pub struct Twilio {
    client: reqwest::Client,
    messages_url: reqwest::Url,
    account_sid: String,
    auth_token: String,
    from: String,
    to: Vec<String>,
    template: Option<String>,
    retry_on_status: Vec<u16>,
    /// How far each delivery got, by the id of its first event.
    progress: Cache<String, Arc<Mutex<Progress>>>,
}

/// The recipients a delivery has settled: texted, or refused for good (with why).
#[derive(Default)]
struct Progress {
    settled: HashSet<String>,
    refused: Vec<String>,
}

impl Twilio {
    /// `retry_on_status`: the statuses the target's retry policy tries again.
    pub fn new(
        config: &TargetConfig,
        timeout: Duration,
        retry_on_status: Vec<u16>,
    ) -> Result<Twilio, ObserversConfigError> {
        let problem = |message: String| {
            ObserversConfigError(format!("target \"{}\": {message}", config.name))
        };
        let required = |value: &Option<String>, key: &str| {
            value
                .clone()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| problem(format!("a twilio target needs {key}")))
        };
        let account_sid = required(&config.account_sid, "account_sid")?;
        let auth_token = required(&config.auth_token, "auth_token")?;
        let from = required(&config.from, "from")?;
        if config.to.is_empty() {
            return Err(problem(
                "a twilio target needs to (a list of phone numbers)".to_owned(),
            ));
        }
        let base = config
            .base_url
            .as_deref()
            .unwrap_or("https://api.twilio.com");
        let messages_url = reqwest::Url::parse(&format!(
            "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
            base.trim_end_matches('/')
        ))
        .map_err(|e| problem(format!("base_url \"{base}\": {e}")))?;
        let client = http::client(config, timeout)?;
        Ok(Twilio {
            client,
            messages_url,
            account_sid,
            auth_token,
            from,
            to: config.to.clone(),
            template: config.template.clone(),
            retry_on_status,
            progress: Cache::builder()
                .time_to_live(Duration::from_secs(3600))
                .max_capacity(10_000)
                .build(),
        })
    }

    fn body(&self, events: &[Arc<Event>]) -> String {
        let lines: Vec<String> = events
            .iter()
            .map(|event| Fields::of(event).text(self.template.as_deref()))
            .collect();
        lines.join("\n").chars().take(MAX_BODY).collect()
    }
}

#[async_trait]
impl Target for Twilio {
    async fn deliver(&self, events: &[Arc<Event>]) -> Result<(), DeliveryError> {
        let body = self.body(events);
        let delivery = events.first().map(|e| e.id.clone()).unwrap_or_default();
        let progress = self.progress.get_with(delivery.clone(), Arc::default);
        let lock = || {
            progress
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        let mut retry = None;
        for to in &self.to {
            if lock().settled.contains(to) {
                continue;
            }
            let form = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("From", &self.from)
                .append_pair("To", to)
                .append_pair("Body", &body)
                .finish();
            let request = self
                .client
                .post(self.messages_url.clone())
                .basic_auth(&self.account_sid, Some(&self.auth_token))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form);
            let what = format!("POST {} (To {to})", self.messages_url);
            let sent = http::send(request, &what, |status| {
                status.is_server_error() || self.retry_on_status.contains(&status.as_u16())
            })
            .await;
            let mut progress = lock();
            match sent {
                Err(error @ DeliveryError::Retry { .. }) => {
                    retry.get_or_insert(error);
                    continue;
                }
                Err(DeliveryError::Final { message }) => progress.refused.push(message),
                Ok(()) => {}
            }
            progress.settled.insert(to.clone());
        }
        if let Some(retry) = retry {
            return Err(retry);
        }
        self.progress.invalidate(&delivery);
        let refused = std::mem::take(&mut lock().refused);
        if refused.is_empty() {
            Ok(())
        } else {
            Err(DeliveryError::Final {
                message: refused.join("; "),
            })
        }
    }
}
