//! Password authentication: the settings a caller passes in, the credentials they hold, and the
//! per-connection mechanisms the startup handler drives.
//!
//! Cleartext and MD5 are small mechanisms written here so that every stored credential form
//! can be checked (a cleartext password against an MD5 hash or a SCRAM verifier, as PostgreSQL
//! does) with constant-time comparisons. SCRAM is pgwire's [`ScramAuth`], fed from the user list
//! through [`AuthSource::get_scram_secret`], so the salted password never has to exist.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pgwire::api::ClientInfo;
use pgwire::api::auth::mechanism::{AuthMechanism, AuthMechanismFactory, AuthState};
use pgwire::api::auth::sasl::scram::{
    SCRAM_ITERATIONS, ScramAuth, ScramSecret, gen_salted_password,
};
use pgwire::api::auth::{AuthSource, LoginInfo, Password};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::startup::{Authentication, PasswordMessageFamily};

use super::WireSetupError;

/// How clients authenticate.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// No password: anyone who can connect is let in.
    #[default]
    Trust,
    /// AuthenticationCleartextPassword.
    Password,
    /// AuthenticationMD5Password; users stored with a SCRAM verifier get SCRAM instead.
    Md5,
    /// SASL SCRAM-SHA-256, plus SCRAM-SHA-256-PLUS on TLS connections.
    ScramSha256,
}

/// A user's stored credential.
#[derive(Clone)]
pub enum Credential {
    /// The password itself.
    Plain(String),
    /// PostgreSQL's `md5<hex(md5(password || user))>`.
    Md5Hash(String),
    /// PostgreSQL's SCRAM-SHA-256 verifier.
    Scram(ScramVerifier),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Plain(_) => "Plain(<redacted>)",
            Credential::Md5Hash(_) => "Md5Hash(<redacted>)",
            Credential::Scram(_) => "Scram(<redacted>)",
        })
    }
}

/// A user allowed to log in.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub credential: Credential,
}

/// Authentication settings of the wire front end.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    pub method: AuthMethod,
    pub users: Vec<User>,
}

impl AuthSettings {
    /// A function that checks a user's cleartext password against the stored credential,
    /// whatever its form (plain, MD5 hash or SCRAM verifier), as the `password` method does.
    /// Other front ends that receive passwords in clear (Flight's basic auth) use it, so that
    /// they accept exactly the wire front end's users.
    pub fn cleartext_checker(&self) -> impl Fn(&str, &str) -> bool + Send + Sync + 'static {
        let store = UserStore {
            users: self
                .users
                .iter()
                .map(|user| (user.name.clone(), user.credential.clone()))
                .collect(),
            scram: HashMap::new(),
            mock_seed: rand::random(),
        };
        move |user, password| store.verify_cleartext(user, password)
    }
}

/// A SCRAM-SHA-256 verifier in PostgreSQL's stored form
/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64 fields).
#[derive(Clone, PartialEq, Eq)]
pub struct ScramVerifier {
    pub iterations: usize,
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
}

impl ScramVerifier {
    /// Derives the verifier PostgreSQL would store for `password` with this salt.
    pub fn from_password(password: &str, salt: Vec<u8>, iterations: usize) -> ScramVerifier {
        let salted = gen_salted_password(password, &salt, iterations);
        match ScramSecret::verifier_from_salted_password(salt, salted, iterations) {
            ScramSecret::Verifier {
                salt,
                iterations,
                stored_key,
                server_key,
            } => ScramVerifier {
                iterations,
                salt,
                stored_key,
                server_key,
            },
            ScramSecret::SaltedPassword { .. } => {
                unreachable!("verifier_from_salted_password returns a verifier")
            }
        }
    }

    /// Derives a verifier with a fresh random 16-byte salt and 4096 iterations (PostgreSQL's
    /// defaults).
    pub fn generate(password: &str) -> ScramVerifier {
        ScramVerifier::from_password(
            password,
            rand::random::<[u8; 16]>().to_vec(),
            SCRAM_ITERATIONS,
        )
    }

    fn matches_password(&self, password: &str) -> bool {
        let derived = ScramVerifier::from_password(password, self.salt.clone(), self.iterations);
        constant_time_eq(&derived.stored_key, &self.stored_key)
    }

    fn secret(&self) -> ScramSecret {
        ScramSecret::Verifier {
            salt: self.salt.clone(),
            iterations: self.iterations,
            stored_key: self.stored_key.clone(),
            server_key: self.server_key.clone(),
        }
    }
}

impl fmt::Debug for ScramVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramVerifier")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ScramVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SCRAM-SHA-256${}:{}${}:{}",
            self.iterations,
            STANDARD.encode(&self.salt),
            STANDARD.encode(&self.stored_key),
            STANDARD.encode(&self.server_key)
        )
    }
}

impl FromStr for ScramVerifier {
    type Err = WireSetupError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |message: &str| WireSetupError::Verifier {
            message: message.to_owned(),
        };
        let rest = text
            .strip_prefix("SCRAM-SHA-256$")
            .ok_or_else(|| invalid("does not start with SCRAM-SHA-256$"))?;
        let (parameters, keys) = rest
            .split_once('$')
            .ok_or_else(|| invalid("expected <iterations>:<salt>$<StoredKey>:<ServerKey>"))?;
        let (iterations, salt) = parameters
            .split_once(':')
            .ok_or_else(|| invalid("expected <iterations>:<salt> before the '$'"))?;
        let (stored_key, server_key) = keys
            .split_once(':')
            .ok_or_else(|| invalid("expected <StoredKey>:<ServerKey> after the '$'"))?;
        let iterations: usize = iterations
            .parse()
            .ok()
            .filter(|count| *count > 0)
            .ok_or_else(|| invalid("the iteration count is not a positive integer"))?;
        let decode = |field: &str, what: &str| {
            STANDARD
                .decode(field)
                .map_err(|_| invalid(&format!("the {what} is not valid base64")))
        };
        let verifier = ScramVerifier {
            iterations,
            salt: decode(salt, "salt")?,
            stored_key: decode(stored_key, "StoredKey")?,
            server_key: decode(server_key, "ServerKey")?,
        };
        if verifier.stored_key.len() != 32 || verifier.server_key.len() != 32 {
            return Err(invalid(
                "StoredKey and ServerKey must be 32 bytes (SHA-256)",
            ));
        }
        Ok(verifier)
    }
}

/// Compares without stopping at the first differing byte.
fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |acc, (l, r)| acc | (l ^ r))
            == 0
}

fn md5_hex(data: &[u8]) -> String {
    format!("{:x}", md5::compute(data))
}

/// `md5<hex(md5(password || user))>`, PostgreSQL's stored MD5 form.
pub fn md5_hash(user: &str, password: &str) -> String {
    format!("md5{}", md5_hex(format!("{password}{user}").as_bytes()))
}

/// The users, keyed by name, as the mechanisms look them up.
struct UserStore {
    users: HashMap<String, Credential>,
    /// SCRAM verifiers, derived once for users configured with a plain password.
    scram: HashMap<String, ScramVerifier>,
    /// Seeds the mock salt answered for unknown users, so SCRAM does not reveal which users
    /// exist (PostgreSQL's mock authentication).
    mock_seed: [u8; 16],
}

impl fmt::Debug for UserStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserStore")
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl UserStore {
    fn verify_cleartext(&self, user: &str, password: &str) -> bool {
        match self.users.get(user) {
            Some(Credential::Plain(expected)) => {
                constant_time_eq(expected.as_bytes(), password.as_bytes())
            }
            Some(Credential::Md5Hash(expected)) => {
                constant_time_eq(expected.as_bytes(), md5_hash(user, password).as_bytes())
            }
            Some(Credential::Scram(verifier)) => verifier.matches_password(password),
            None => false,
        }
    }

    /// `hex(md5(password || user))` for users that have one.
    fn md5_inner(&self, user: &str) -> Option<String> {
        match self.users.get(user)? {
            Credential::Plain(password) => Some(md5_hex(format!("{password}{user}").as_bytes())),
            Credential::Md5Hash(hash) => hash.strip_prefix("md5").map(str::to_owned),
            Credential::Scram(_) => None,
        }
    }

    fn mock_secret(&self, user: &str) -> ScramSecret {
        let mut seed = self.mock_seed.to_vec();
        seed.extend_from_slice(user.as_bytes());
        ScramSecret::Verifier {
            salt: md5::compute(seed).0.to_vec(),
            iterations: SCRAM_ITERATIONS,
            stored_key: rand::random::<[u8; 32]>().to_vec(),
            server_key: rand::random::<[u8; 32]>().to_vec(),
        }
    }
}

#[async_trait]
impl AuthSource for UserStore {
    async fn get_password(&self, login: &LoginInfo) -> PgWireResult<Password> {
        // Only SCRAM asks this store, through get_scram_secret below.
        Err(PgWireError::InvalidPassword(
            login.user().unwrap_or_default().to_owned(),
        ))
    }

    async fn get_scram_secret(&self, login: &LoginInfo) -> PgWireResult<(ScramSecret, Option<()>)> {
        let user = login.user().unwrap_or_default();
        let secret = match self.scram.get(user) {
            Some(verifier) => verifier.secret(),
            None => self.mock_secret(user),
        };
        Ok((secret, None))
    }
}

/// Shared by all connections: picks and creates the mechanism for each one.
pub(crate) struct Authenticator {
    method: AuthMethod,
    store: Arc<UserStore>,
    scram: ScramAuth,
    /// The same with the server certificate, offering SCRAM-SHA-256-PLUS: used only on TLS
    /// connections, because libpq refuses a server that offers -PLUS on plain TCP.
    scram_with_channel_binding: Option<ScramAuth>,
}

impl Authenticator {
    pub(crate) fn new(settings: AuthSettings, certificate_pem: Option<&[u8]>) -> Authenticator {
        let mut users = HashMap::new();
        let mut scram = HashMap::new();
        for user in settings.users {
            match &user.credential {
                Credential::Plain(password) if settings.method == AuthMethod::ScramSha256 => {
                    scram.insert(user.name.clone(), ScramVerifier::generate(password));
                }
                Credential::Scram(verifier) => {
                    scram.insert(user.name.clone(), verifier.clone());
                }
                Credential::Plain(_) | Credential::Md5Hash(_) => {}
            }
            users.insert(user.name, user.credential);
        }
        let store = Arc::new(UserStore {
            users,
            scram,
            mock_seed: rand::random(),
        });
        let source: Arc<dyn AuthSource> = store.clone();
        let plain = ScramAuth::new(source);
        let scram_with_channel_binding = certificate_pem.and_then(|pem| {
            let mut auth = plain.clone();
            match auth.configure_certificate(pem) {
                Ok(()) => Some(auth),
                Err(error) => {
                    tracing::warn!(%error, "SCRAM channel binding (SCRAM-SHA-256-PLUS) disabled: cannot hash the certificate");
                    None
                }
            }
        });
        Authenticator {
            method: settings.method,
            store,
            scram: plain,
            scram_with_channel_binding,
        }
    }

    /// The mechanism for one connection, or `None` for trust.
    pub(crate) fn mechanism(&self, user: &str, secure: bool) -> Option<Box<dyn AuthMechanism>> {
        let scram = || match (&self.scram_with_channel_binding, secure) {
            (Some(with_binding), true) => with_binding.create(),
            _ => self.scram.create(),
        };
        match self.method {
            AuthMethod::Trust => None,
            AuthMethod::Password => Some(Box::new(Cleartext {
                store: Arc::clone(&self.store),
                user: user.to_owned(),
            })),
            AuthMethod::Md5 if matches!(self.store.users.get(user), Some(Credential::Scram(_))) => {
                Some(scram())
            }
            AuthMethod::Md5 => Some(Box::new(Md5 {
                inner: self.store.md5_inner(user),
                user: user.to_owned(),
                salt: rand::random(),
            })),
            AuthMethod::ScramSha256 => Some(scram()),
        }
    }
}

/// AuthenticationCleartextPassword, checked against any stored form.
struct Cleartext {
    store: Arc<UserStore>,
    user: String,
}

#[async_trait]
impl AuthMechanism for Cleartext {
    async fn begin(&mut self, _client: &(dyn ClientInfo + Send + Sync)) -> PgWireResult<AuthState> {
        Ok(AuthState::InProgress(Authentication::CleartextPassword))
    }

    async fn next(
        &mut self,
        _client: &(dyn ClientInfo + Send + Sync),
        message: PasswordMessageFamily,
    ) -> PgWireResult<AuthState> {
        let password = message.into_password()?.password;
        Ok(if self.store.verify_cleartext(&self.user, &password) {
            AuthState::Ok {
                final_message: None,
                identity: None,
            }
        } else {
            AuthState::Failed(PgWireError::InvalidPassword(self.user.clone()))
        })
    }
}

/// AuthenticationMD5Password with a fresh salt; unknown users get the same challenge.
struct Md5 {
    /// `hex(md5(password || user))`, `None` for an unknown user.
    inner: Option<String>,
    user: String,
    salt: [u8; 4],
}

#[async_trait]
impl AuthMechanism for Md5 {
    async fn begin(&mut self, _client: &(dyn ClientInfo + Send + Sync)) -> PgWireResult<AuthState> {
        Ok(AuthState::InProgress(Authentication::MD5Password(
            self.salt.to_vec(),
        )))
    }

    async fn next(
        &mut self,
        _client: &(dyn ClientInfo + Send + Sync),
        message: PasswordMessageFamily,
    ) -> PgWireResult<AuthState> {
        let answer = message.into_password()?.password;
        let accepted = self.inner.as_ref().is_some_and(|inner| {
            let mut salted = inner.as_bytes().to_vec();
            salted.extend_from_slice(&self.salt);
            let expected = format!("md5{}", md5_hex(&salted));
            constant_time_eq(expected.as_bytes(), answer.as_bytes())
        });
        Ok(if accepted {
            AuthState::Ok {
                final_message: None,
                identity: None,
            }
        } else {
            AuthState::Failed(PgWireError::InvalidPassword(self.user.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verifier_round_trips_through_its_text_form() {
        let verifier = ScramVerifier::from_password("secret", b"0123456789abcdef".to_vec(), 4096);
        let text = verifier.to_string();
        assert!(
            text.starts_with("SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$"),
            "{text}"
        );
        assert_eq!(text.parse::<ScramVerifier>().unwrap(), verifier);
        assert!(verifier.matches_password("secret"));
        assert!(!verifier.matches_password("Secret"));
    }

    #[test]
    fn the_verifier_matches_an_independent_derivation() {
        // Computed with Python's hashlib/hmac (pbkdf2_hmac sha256, "Client Key"/"Server Key"),
        // the derivation PostgreSQL documents for pg_authid, not with this crate.
        let expected = "SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$nQpbZ77WudtqufPwikHXGRt6g2QJ4zns8bZLw273DRM=:\
                        jn2amWP1q1h+jgjy0YTO14S6/F02SV7taipOeB7ef20=";
        let derived = ScramVerifier::from_password("pencil", b"0123456789abcdef".to_vec(), 4096);
        assert_eq!(derived.to_string(), expected);
        assert_eq!(expected.parse::<ScramVerifier>().unwrap(), derived);
    }

    #[test]
    fn malformed_verifiers_are_refused() {
        for text in [
            "md5abc",
            "SCRAM-SHA-256$x:c2FsdA==$a2V5:a2V5",
            "SCRAM-SHA-256$4096:c2FsdA==",
            "SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5",
            "SCRAM-SHA-256$4096:!!$a2V5:a2V5",
        ] {
            assert!(text.parse::<ScramVerifier>().is_err(), "{text}");
        }
    }

    #[test]
    fn cleartext_is_checked_against_every_stored_form() {
        let store = UserStore {
            users: HashMap::from([
                ("plain".to_owned(), Credential::Plain("pw".to_owned())),
                (
                    "hashed".to_owned(),
                    Credential::Md5Hash(md5_hash("hashed", "pw")),
                ),
                (
                    "scram".to_owned(),
                    Credential::Scram(ScramVerifier::generate("pw")),
                ),
            ]),
            scram: HashMap::new(),
            mock_seed: [0; 16],
        };
        for user in ["plain", "hashed", "scram"] {
            assert!(store.verify_cleartext(user, "pw"), "{user}");
            assert!(!store.verify_cleartext(user, "wrong"), "{user}");
        }
        assert!(!store.verify_cleartext("nobody", "pw"));
    }

    #[test]
    fn the_cleartext_checker_knows_the_configured_users() {
        let settings = AuthSettings {
            method: AuthMethod::ScramSha256,
            users: vec![User {
                name: "app".to_owned(),
                credential: Credential::Scram(ScramVerifier::generate("pw")),
            }],
        };
        let check = settings.cleartext_checker();
        assert!(check("app", "pw"));
        assert!(!check("app", "nope"));
        assert!(!check("other", "pw"));
    }

    #[test]
    fn md5_hash_matches_postgresql() {
        // Python: hashlib.md5(b"postgrespostgres").hexdigest()
        assert_eq!(
            md5_hash("postgres", "postgres"),
            "md53175bce1d3201d16594cebf9d7eb3f9d"
        );
    }
}
