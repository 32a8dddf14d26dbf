//! HTTP webhooks: each event POSTed as a CloudEvents 1.0 JSON object (a batch as a JSON
//! array), signed as the Standard Webhooks specification says, so receivers can verify it with
//! any of its libraries: `webhook-id` (the event id), `webhook-timestamp` (Unix seconds) and
//! `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;

use super::{DeliveryError, Target, http};
use crate::observers::config::{ObserversConfigError, TargetConfig};
use crate::observers::event::Event;

/// A webhook target.
pub struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    secret: Option<Vec<u8>>,
    headers: HeaderMap,
    retry_on_status: Vec<u16>,
}

impl Webhook {
    /// `retry_on_status`: the statuses the target's retry policy tries again.
    pub fn new(
        config: &TargetConfig,
        timeout: Duration,
        retry_on_status: Vec<u16>,
    ) -> Result<Webhook, ObserversConfigError> {
        let problem = |message: String| {
            ObserversConfigError(format!("target \"{}\": {message}", config.name))
        };
        let url = config
            .url
            .as_deref()
            .ok_or_else(|| problem("a webhook needs url".to_owned()))?;
        let url = reqwest::Url::parse(url).map_err(|e| problem(format!("url \"{url}\": {e}")))?;
        let secret = config
            .secret
            .as_deref()
            .map(|secret| signing_key(secret).map_err(problem))
            .transpose()?;
        let mut headers = HeaderMap::new();
        for (name, value) in &config.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|e| problem(format!("header \"{name}\": {e}")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| problem(format!("header \"{name}\" value: {e}")))?;
            headers.insert(name, value);
        }
        let client = http::client(config, timeout)?;
        Ok(Webhook {
            client,
            url,
            secret,
            headers,
            retry_on_status,
        })
    }
}

/// The HMAC key of a Standard Webhooks secret: `whsec_` + base64, or the text itself.
fn signing_key(secret: &str) -> Result<Vec<u8>, String> {
    match secret.strip_prefix("whsec_") {
        Some(encoded) => BASE64
            .decode(encoded)
            .map_err(|e| format!("secret: whsec_ is not followed by base64 ({e})")),
        None => Ok(secret.as_bytes().to_vec()),
    }
}

/// The `webhook-signature` header value for a message.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

#[async_trait]
impl Target for Webhook {
    async fn deliver(&self, events: &[Arc<Event>]) -> Result<(), DeliveryError> {
        let (id, body, content_type) = match events {
            [one] => (
                one.id.clone(),
                one.body.clone(),
                "application/cloudevents+json",
            ),
            many => {
                let bodies: Vec<&str> = many.iter().map(|e| e.body.as_str()).collect();
                (
                    format!("batch_{}", many.first().map_or("", |e| e.id.as_str())),
                    format!("[{}]", bodies.join(",")),
                    "application/cloudevents-batch+json",
                )
            }
        };
        let timestamp = chrono::Utc::now().timestamp();
        let mut request = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, content_type)
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string());
        if let Some(key) = &self.secret {
            request = request.header("webhook-signature", sign(key, &id, timestamp, &body));
        }
        let what = format!("POST {}", self.url);
        http::send(request.body(body), &what, |status| {
            self.retry_on_status.contains(&status.as_u16())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (spec/standard-webhooks.md).
        let key = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
