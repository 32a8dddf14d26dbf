//! Where events are delivered. Each kind of target is one file; the dispatcher
//! (`super::dispatch`) calls [`Target::deliver`] and decides from the [`DeliveryError`] whether
//! to try again.

mod email;
mod http;
mod slack;
mod template;
mod twilio;
mod webhook;

pub use email::Email;
pub use slack::Slack;
pub use twilio::Twilio;
pub use webhook::Webhook;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::config::{ObserversConfigError, RetryPolicy, TargetConfig, duration};
use super::event::Event;

/// Why a delivery attempt failed.
#[derive(Debug, Clone)]
pub enum DeliveryError {
    /// Worth another attempt (5xx, 429, a timeout, a refused connection); `retry_after` is
    /// the wait the receiver asked for.
    Retry {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Final: trying again would get the same answer (other 4xx, a bad configuration).
    Final { message: String },
}

impl DeliveryError {
    pub fn message(&self) -> &str {
        match self {
            DeliveryError::Retry { message, .. } | DeliveryError::Final { message } => message,
        }
    }
}

/// One configured destination.
#[async_trait]
pub trait Target: Send + Sync {
    /// Delivers events: one, or a batch when the target is configured with `batch`.
    async fn deliver(&self, events: &[Arc<Event>]) -> Result<(), DeliveryError>;
}

/// Builds the target a configuration describes, with the retry policy resolved for it (its own
/// `retry`, else `[observers.defaults.retry]`), whose statuses HTTP targets try again.
pub fn build(
    config: &TargetConfig,
    retry: &RetryPolicy,
) -> Result<Arc<dyn Target>, ObserversConfigError> {
    let timeout = duration(&config.timeout, "timeout")?;
    let statuses = || retry.retry_on_status.clone();
    match config.kind.as_str() {
        "webhook" => Ok(Arc::new(Webhook::new(config, timeout, statuses())?)),
        "slack" => Ok(Arc::new(Slack::new(config, timeout, statuses())?)),
        "twilio" => Ok(Arc::new(Twilio::new(config, timeout, statuses())?)),
        "email" => Ok(Arc::new(Email::new(config, timeout)?)),
        other => Err(ObserversConfigError(format!(
            "target \"{}\": kind \"{other}\" is not one of webhook, slack, twilio, email",
            config.name
        ))),
    }
}
