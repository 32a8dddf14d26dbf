//! What the HTTP targets (webhook, Slack, Twilio) share: sending a request and reading its
//! answer as success, a retry (with the `Retry-After` the receiver asked for) or a final failure.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;

use super::DeliveryError;
use crate::observers::config::{ObserversConfigError, TargetConfig};

/// The HTTP client of a target, each request bounded by the target's `timeout`.
pub fn client(
    config: &TargetConfig,
    timeout: Duration,
) -> Result<reqwest::Client, ObserversConfigError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| {
            ObserversConfigError(format!(
                "target \"{}\": cannot build an HTTP client: {e}",
                config.name
            ))
        })
}

/// Sends `request`; `what` names it in messages (`POST https://...`); `retry` says which
/// non-success statuses are worth another attempt.
pub async fn send(
    request: reqwest::RequestBuilder,
    what: &str,
    retry: impl Fn(StatusCode) -> bool,
) -> Result<(), DeliveryError> {
    let response = request.send().await.map_err(|e| {
        let kind = if e.is_timeout() {
            "timed out"
        } else {
            "failed"
        };
        DeliveryError::Retry {
            message: format!("{what} {kind}: {e}"),
            retry_after: None,
        }
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_retry_after);
    // The start of the answer helps to see why (Twilio and Slack explain errors in the body).
    let detail = response.text().await.unwrap_or_default();
    let detail: String = detail.chars().take(200).collect();
    let message = if detail.trim().is_empty() {
        format!("{what} answered {status}")
    } else {
        format!("{what} answered {status}: {}", detail.trim())
    };
    if retry(status) || status == StatusCode::TOO_MANY_REQUESTS {
        Err(DeliveryError::Retry {
            message,
            retry_after,
        })
    } else {
        Err(DeliveryError::Final { message })
    }
}

/// `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(text: &str) -> Option<Duration> {
    if let Ok(seconds) = text.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(text.trim())
        .ok()?
        .with_timezone(&chrono::Utc);
    Some((when - chrono::Utc::now()).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
