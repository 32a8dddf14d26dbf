//! Who is calling: the Flight handshake (HTTP basic credentials in, a bearer token out) and the
//! check every other call passes.
//!
//! The users and the method are those of the wire front end: the caller hands in
//! [`FlightAuth::Password`] with a function that checks a cleartext password against the
//! stored credential (plain, MD5 hash or SCRAM verifier), or [`FlightAuth::Trust`]. With trust,
//! any user name is accepted and a call without credentials runs as [`ANONYMOUS_USER`]. Tokens
//! are random, kept in memory, and expire after [`FlightOptions::token_ttl`](super::FlightOptions).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use tonic::Status;
use tonic::metadata::MetadataMap;

/// The user of calls without credentials when authentication is trust.
pub const ANONYMOUS_USER: &str = "postgres";

/// Checks a user's cleartext password.
pub type PasswordCheck = Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

/// How Flight clients authenticate.
#[derive(Clone, Default)]
pub enum FlightAuth {
    /// Anyone is let in; the handshake's user name (if any) becomes the session user.
    #[default]
    Trust,
    /// HTTP basic credentials checked by the function (the wire front end's users).
    Password(PasswordCheck),
}

impl std::fmt::Debug for FlightAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FlightAuth::Trust => "Trust",
            FlightAuth::Password(_) => "Password(..)",
        })
    }
}

/// The authenticated caller of a request, placed in its extensions by the front end.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
}

struct Issued {
    user: String,
    expires: Instant,
}

/// Issues and checks bearer tokens.
pub struct Authenticator {
    auth: FlightAuth,
    ttl: Duration,
    tokens: Mutex<HashMap<String, Issued>>,
}

fn unauthenticated(message: &str) -> Status {
    Status::unauthenticated(message.to_owned())
}

impl Authenticator {
    pub fn new(auth: FlightAuth, ttl: Duration) -> Authenticator {
        Authenticator {
            auth,
            ttl,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// The Handshake call: checks basic credentials and returns a new bearer token for them.
    pub fn handshake(&self, metadata: &MetadataMap) -> Result<(String, Caller), Status> {
        let caller = match authorization(metadata)? {
            Some(Credentials::Basic { user, password }) => self.check_password(user, &password)?,
            Some(Credentials::Bearer(token)) => self.check_token(&token)?,
            None => match self.auth {
                FlightAuth::Trust => Caller {
                    user: ANONYMOUS_USER.to_owned(),
                },
                FlightAuth::Password(_) => {
                    return Err(unauthenticated(
                        "the handshake needs HTTP basic credentials (authorization: Basic ...)",
                    ));
                }
            },
        };
        let token = random_token();
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        tokens.retain(|_, issued| issued.expires > now);
        tokens.insert(
            token.clone(),
            Issued {
                user: caller.user.clone(),
                expires: now + self.ttl,
            },
        );
        Ok((token, caller))
    }

    /// Any other call: a bearer token from the handshake (or basic credentials, for clients
    /// that send them on every call); none at all only with trust.
    pub fn authorize(&self, metadata: &MetadataMap) -> Result<Caller, Status> {
        match authorization(metadata)? {
            Some(Credentials::Bearer(token)) => self.check_token(&token),
            Some(Credentials::Basic { user, password }) => self.check_password(user, &password),
            None => match self.auth {
                FlightAuth::Trust => Ok(Caller {
                    user: ANONYMOUS_USER.to_owned(),
                }),
                FlightAuth::Password(_) => Err(unauthenticated(
                    "no credentials: call Handshake with HTTP basic credentials and send the \
                     bearer token it returns (authorization: Bearer ...)",
                )),
            },
        }
    }

    fn check_password(&self, user: String, password: &str) -> Result<Caller, Status> {
        if user.is_empty() {
            return Err(unauthenticated("the user name is empty"));
        }
        match &self.auth {
            FlightAuth::Trust => Ok(Caller { user }),
            FlightAuth::Password(check) if check(&user, password) => Ok(Caller { user }),
            FlightAuth::Password(_) => Err(Status::unauthenticated(format!(
                "SQLSTATE 28P01: password authentication failed for user \"{user}\""
            ))),
        }
    }

    fn check_token(&self, token: &str) -> Result<Caller, Status> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        match tokens.get(token) {
            Some(issued) if issued.expires > Instant::now() => Ok(Caller {
                user: issued.user.clone(),
            }),
            Some(_) => Err(unauthenticated(
                "the bearer token has expired: call Handshake again",
            )),
            None => Err(unauthenticated(
                "unknown bearer token: call Handshake for a new one",
            )),
        }
    }
}

enum Credentials {
    Basic { user: String, password: String },
    Bearer(String),
}

fn authorization(metadata: &MetadataMap) -> Result<Option<Credentials>, Status> {
    let Some(value) = metadata.get("authorization") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| unauthenticated("the authorization header is not ASCII"))?
        .trim();
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Ok(Some(Credentials::Bearer(rest.to_owned())));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        // Go's Flight client (ADBC) sends base64 without padding; others pad.
        let decoded = STANDARD_NO_PAD
            .decode(rest.trim_end_matches('='))
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                unauthenticated("the basic credentials are not base64 of user:password")
            })?;
        let (user, password) = decoded
            .split_once(':')
            .ok_or_else(|| unauthenticated("the basic credentials have no ':'"))?;
        return Ok(Some(Credentials::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        }));
    }
    Err(unauthenticated(
        "unsupported authorization scheme: use Basic or Bearer",
    ))
}

fn random_token() -> String {
    rand::random::<[u8; 32]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    fn metadata(value: &str) -> MetadataMap {
        let mut map = MetadataMap::new();
        map.insert("authorization", value.parse().unwrap());
        map
    }

    fn basic(user: &str, password: &str) -> MetadataMap {
        metadata(&format!(
            "Basic {}",
            STANDARD.encode(format!("{user}:{password}"))
        ))
    }

    fn password_auth() -> Authenticator {
        let check: PasswordCheck = Arc::new(|user, password| user == "app" && password == "secret");
        Authenticator::new(FlightAuth::Password(check), Duration::from_secs(60))
    }

    #[test]
    fn handshake_issues_a_token_that_later_calls_present() {
        let auth = password_auth();
        let unpadded = metadata(&format!("Basic {}", STANDARD_NO_PAD.encode("app:secret")));
        assert_eq!(auth.handshake(&unpadded).unwrap().1.user, "app");
        let (token, caller) = auth.handshake(&basic("app", "secret")).unwrap();
        assert_eq!(caller.user, "app");
        let later = auth
            .authorize(&metadata(&format!("Bearer {token}")))
            .unwrap();
        assert_eq!(later.user, "app");
    }

    #[test]
    fn wrong_passwords_unknown_tokens_and_no_credentials_are_refused() {
        let auth = password_auth();
        let wrong = auth.handshake(&basic("app", "nope")).unwrap_err();
        assert_eq!(wrong.code(), tonic::Code::Unauthenticated);
        assert!(wrong.message().contains("28P01"), "{}", wrong.message());
        let unknown = auth.authorize(&metadata("Bearer 00")).unwrap_err();
        assert_eq!(unknown.code(), tonic::Code::Unauthenticated);
        assert!(auth.authorize(&MetadataMap::new()).is_err());
    }

    #[test]
    fn tokens_expire() {
        let check: PasswordCheck = Arc::new(|_, _| true);
        let auth = Authenticator::new(FlightAuth::Password(check), Duration::ZERO);
        let (token, _) = auth.handshake(&basic("app", "x")).unwrap();
        let error = auth
            .authorize(&metadata(&format!("Bearer {token}")))
            .unwrap_err();
        assert!(error.message().contains("expired"), "{}", error.message());
    }

    #[test]
    fn trust_lets_anyone_in() {
        let auth = Authenticator::new(FlightAuth::Trust, Duration::from_secs(60));
        assert_eq!(
            auth.authorize(&MetadataMap::new()).unwrap().user,
            ANONYMOUS_USER
        );
        assert_eq!(auth.handshake(&basic("ann", "")).unwrap().1.user, "ann");
    }
}
