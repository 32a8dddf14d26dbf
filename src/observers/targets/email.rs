//! Email over SMTP (lettre): one message per delivery from `from` to every address in `to`.
//! `smtp_url` is `smtp://host:port` (plain), `smtp://host:port?tls=starttls` (STARTTLS
//! required), or `smtps://user:pass@host:465` (TLS from the first byte); user and password
//! work with either scheme.
//!
//! The subject and body come from `template`: a first line `Subject: ...` is the subject, the
//! rest the body; without it the subject is `[pgbridge] {op} on {table}` (`[pgbridge] N
//! changes` for a batch) and the body the template or a one-line summary per event. The event's
//! CloudEvents JSON (an array for a batch) is attached as `event.json`.
//!
//! lettre's timeout covers only connecting, so each send is bounded by the target's `timeout`
//! as a whole. SMTP 4xx replies, connection failures and timeouts are retried; 5xx replies are
//! final.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::template::Fields;
use super::{DeliveryError, Target};
use crate::observers::config::{ObserversConfigError, TargetConfig};
use crate::observers::event::Event;

/// An email target.
pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The server, for messages (never the password).
    server: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    template: Option<String>,
    timeout: Duration,
}

impl Email {
    pub fn new(config: &TargetConfig, timeout: Duration) -> Result<Email, ObserversConfigError> {
        let problem = |message: String| {
            ObserversConfigError(format!("target \"{}\": {message}", config.name))
        };
        let smtp_url = config
            .smtp_url
            .as_deref()
            .ok_or_else(|| problem("an email target needs smtp_url".to_owned()))?;
        let (url, server) = lettre_url(smtp_url).map_err(&problem)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| problem(format!("smtp_url for {server}: {e}")))?
            .timeout(Some(timeout))
            .build();
        let from = config
            .from
            .as_deref()
            .ok_or_else(|| problem("an email target needs from".to_owned()))?;
        let mailbox = |address: &str, key: &str| {
            address
                .parse::<Mailbox>()
                .map_err(|e| problem(format!("{key} \"{address}\" is not an address ({e})")))
        };
        let from = mailbox(from, "from")?;
        if config.to.is_empty() {
            return Err(problem(
                "an email target needs to (a list of addresses)".to_owned(),
            ));
        }
        let to = config
            .to
            .iter()
            .map(|address| mailbox(address, "to"))
            .collect::<Result<_, _>>()?;
        Ok(Email {
            transport,
            server,
            from,
            to,
            template: config.template.clone(),
            timeout,
        })
    }

    fn message(&self, events: &[Arc<Event>]) -> Result<Message, DeliveryError> {
        let all: Vec<Fields> = events.iter().map(|event| Fields::of(event)).collect();
        let (template_subject, template_body) = match self.template.as_deref() {
            Some(template) => match template.strip_prefix("Subject:") {
                Some(rest) => {
                    let (subject, body) = rest.split_once('\n').unwrap_or((rest, ""));
                    (Some(subject.trim()), Some(body.trim_start_matches('\n')))
                }
                None => (None, Some(template)),
            },
            None => (None, None),
        };
        let subject = match (template_subject, all.as_slice()) {
            (Some(subject), [first, ..]) => first.render(subject),
            (None, [one]) => format!("[pgbridge] {} on {}", one.op(), one.event.table),
            (_, many) => format!("[pgbridge] {} changes", many.len()),
        };
        let lines: Vec<String> = all
            .iter()
            .map(|fields| fields.text(template_body))
            .collect();
        let (json, name) = match events {
            [one] => (one.body.clone(), "event.json"),
            many => (
                format!(
                    "[{}]",
                    many.iter()
                        .map(|e| e.body.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                "events.json",
            ),
        };
        let mut builder = Message::builder().from(self.from.clone()).subject(subject);
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        builder
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(lines.join("\n") + "\n"))
                    .singlepart(Attachment::new(name.to_owned()).body(
                        json,
                        ContentType::parse("application/json").unwrap_or(ContentType::TEXT_PLAIN),
                    )),
            )
            .map_err(|e| DeliveryError::Final {
                message: format!("cannot build the email: {e}"),
            })
    }
}

/// lettre's form of `smtp_url` (`tls=starttls` is its `tls=required`), and the server's
/// `scheme://host:port` for messages.
fn lettre_url(text: &str) -> Result<(String, String), String> {
    let mut url = url::Url::parse(text).map_err(|e| format!("smtp_url is not a URL ({e})"))?;
    let scheme = url.scheme().to_owned();
    if scheme != "smtp" && scheme != "smtps" {
        return Err(format!("smtp_url scheme \"{scheme}\" is not smtp or smtps"));
    }
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or("smtp_url has no host")?
        .to_owned();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in url.query_pairs() {
        let value = match (key.as_ref(), value.as_ref()) {
            ("tls", "starttls" | "required") if scheme == "smtp" => "required".to_owned(),
            ("tls", "opportunistic") if scheme == "smtp" => value.into_owned(),
            ("tls", other) => {
                return Err(format!(
                    "smtp_url tls=\"{other}\" is not starttls or opportunistic (with smtp://)"
                ));
            }
            (other, _) => return Err(format!("smtp_url parameter \"{other}\" is not known")),
        };
        pairs.push((key.into_owned(), value));
    }
    url.set_query(None);
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    let server = match url.port() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    Ok((url.to_string(), server))
}

#[async_trait]
impl Target for Email {
    async fn deliver(&self, events: &[Arc<Event>]) -> Result<(), DeliveryError> {
        let message = self.message(events)?;
        let sent = tokio::time::timeout(self.timeout, self.transport.send(message)).await;
        match sent {
            Ok(Ok(_)) => Ok(()),
            Err(_) => Err(DeliveryError::Retry {
                message: format!("SMTP {} timed out after {:?}", self.server, self.timeout),
                retry_after: None,
            }),
            Ok(Err(e)) if e.is_permanent() => Err(DeliveryError::Final {
                message: format!("SMTP {} refused the message: {e}", self.server),
            }),
            Ok(Err(e)) => Err(DeliveryError::Retry {
                message: format!("SMTP {} failed: {e}", self.server),
                retry_after: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_read_as_lettre_reads_them() {
        assert_eq!(
            lettre_url("smtp://mail.local:2525").unwrap(),
            (
                "smtp://mail.local:2525".to_owned(),
                "smtp://mail.local:2525".to_owned()
            )
        );
        assert_eq!(
            lettre_url("smtp://u:p@mail.local:587?tls=starttls")
                .unwrap()
                .0,
            "smtp://u:p@mail.local:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtps://u:p@mail.local:465").unwrap().1,
            "smtps://mail.local:465"
        );
        assert!(lettre_url("http://mail.local").is_err());
        assert!(lettre_url("smtp://mail.local?tls=maybe").is_err());
        assert!(lettre_url("smtps://mail.local?tls=starttls").is_err());
        assert!(lettre_url("smtp://mail.local?port=1").is_err());
    }
}
