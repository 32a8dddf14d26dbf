//! Authentication and TLS through a real client (tokio-postgres, and psql where installed)
//! against an in-process server on port 0.

use std::sync::Arc;

use pgbridge::Config;
use pgbridge::config::{AuthMethod, Tls, User};
use tokio::net::TcpListener;
use tokio_postgres::config::{ChannelBinding, SslMode};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};
use tokio_rustls::rustls;

mod common;
use common::TestServer;

async fn start(config: Config) -> TestServer {
    TestServer::start_with(config, tempfile::tempdir().unwrap()).await
}

fn client_config(
    server: &TestServer,
    user: &str,
    password: Option<&str>,
) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    config
        .host("127.0.0.1")
        .port(server.addr.port())
        .user(user)
        .dbname("app");
    if let Some(password) = password {
        config.password(password);
    }
    config
}

async fn connect(
    server: &TestServer,
    user: &str,
    password: Option<&str>,
) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = client_config(server, user, password).connect(NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

fn config(auth: AuthMethod, users: Vec<User>) -> Config {
    Config {
        backend: "sqlite::memory:".to_owned(),
        auth,
        users,
        ..Config::default()
    }
}

fn user(name: &str) -> User {
    User {
        name: name.to_owned(),
        password: None,
        md5_hash: None,
        scram_verifier: None,
    }
}

fn with_password(name: &str, password: &str) -> User {
    User {
        password: Some(password.to_owned()),
        ..user(name)
    }
}

async fn select_one(client: &Client) {
    let row = client.query_one("SELECT 1", &[]).await.unwrap();
    assert_eq!(row.get::<_, i32>(0), 1);
}

/// Asserts FATAL 28P01 with PostgreSQL's message, the same for a wrong password and an
/// unknown user.
fn assert_password_failed(result: Result<Client, tokio_postgres::Error>, user: &str) {
    let error = match result {
        Ok(_) => panic!("user {user} logged in with a wrong password"),
        Err(error) => error,
    };
    assert_eq!(error.code(), Some(&SqlState::INVALID_PASSWORD), "{error:?}");
    let db = error.as_db_error().unwrap();
    assert_eq!(db.severity(), "FATAL");
    assert_eq!(
        db.message(),
        format!("password authentication failed for user \"{user}\"")
    );
}

#[tokio::test]
async fn trust_lets_anyone_in() {
    let server = start(config(AuthMethod::Trust, vec![])).await;
    let client = connect(&server, "whoever", None).await.unwrap();
    select_one(&client).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn cleartext_password() {
    let server = start(config(
        AuthMethod::Password,
        vec![with_password("alice", "s3cret")],
    ))
    .await;
    select_one(&connect(&server, "alice", Some("s3cret")).await.unwrap()).await;
    assert_password_failed(connect(&server, "alice", Some("wrong")).await, "alice");
    assert_password_failed(connect(&server, "bob", Some("s3cret")).await, "bob");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn cleartext_password_against_stored_hashes() {
    let hashed = User {
        md5_hash: Some(pgbridge_proxy::wire::md5_hash("hashed", "pw1")),
        ..user("hashed")
    };
    let verified = User {
        scram_verifier: Some(pgbridge_proxy::wire::ScramVerifier::generate("pw2").to_string()),
        ..user("verified")
    };
    let server = start(config(AuthMethod::Password, vec![hashed, verified])).await;
    select_one(&connect(&server, "hashed", Some("pw1")).await.unwrap()).await;
    select_one(&connect(&server, "verified", Some("pw2")).await.unwrap()).await;
    assert_password_failed(connect(&server, "verified", Some("pw1")).await, "verified");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn md5_password_plain_and_hashed() {
    let hashed = User {
        md5_hash: Some(pgbridge_proxy::wire::md5_hash("carol", "c-pass")),
        ..user("carol")
    };
    let server = start(config(
        AuthMethod::Md5,
        vec![with_password("alice", "s3cret"), hashed],
    ))
    .await;
    select_one(&connect(&server, "alice", Some("s3cret")).await.unwrap()).await;
    select_one(&connect(&server, "carol", Some("c-pass")).await.unwrap()).await;
    assert_password_failed(connect(&server, "alice", Some("s3cret ")).await, "alice");
    assert_password_failed(connect(&server, "carol", Some("s3cret")).await, "carol");
    assert_password_failed(connect(&server, "nobody", Some("s3cret")).await, "nobody");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn md5_falls_back_to_scram_for_a_verifier() {
    let verified = User {
        scram_verifier: Some(pgbridge_proxy::wire::ScramVerifier::generate("pw").to_string()),
        ..user("dave")
    };
    let server = start(config(AuthMethod::Md5, vec![verified])).await;
    select_one(&connect(&server, "dave", Some("pw")).await.unwrap()).await;
    assert_password_failed(connect(&server, "dave", Some("nope")).await, "dave");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn scram_with_password_and_stored_verifier() {
    let verified = User {
        scram_verifier: Some(pgbridge_proxy::wire::ScramVerifier::generate("v-pass").to_string()),
        ..user("erin")
    };
    let server = start(config(
        AuthMethod::ScramSha256,
        vec![with_password("alice", "s3cret"), verified],
    ))
    .await;
    select_one(&connect(&server, "alice", Some("s3cret")).await.unwrap()).await;
    select_one(&connect(&server, "erin", Some("v-pass")).await.unwrap()).await;
    assert_password_failed(connect(&server, "alice", Some("S3cret")).await, "alice");
    assert_password_failed(connect(&server, "erin", Some("s3cret")).await, "erin");
    assert_password_failed(connect(&server, "nobody", Some("s3cret")).await, "nobody");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn run_refuses_a_malformed_verifier() {
    let broken = User {
        scram_verifier: Some("SCRAM-SHA-256$4096:c2FsdA==".to_owned()),
        ..user("frank")
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = pgbridge::run(
        config(AuthMethod::ScramSha256, vec![broken]),
        listener,
        async {},
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("frank"), "{error}");
}

#[tokio::test]
async fn run_refuses_trust_on_a_public_address() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config {
        listen: "0.0.0.0:6432".parse().unwrap(),
        ..config(AuthMethod::Trust, vec![])
    };
    let error = pgbridge::run(config, listener, async {}).await.unwrap_err();
    assert!(
        error.to_string().contains("not a loopback address"),
        "{error}"
    );
}

/// A CA and a server certificate for 127.0.0.1 signed by it, written as PEM files.
struct Certificates {
    ca: rustls::pki_types::CertificateDer<'static>,
    dir: tempfile::TempDir,
}

fn make_certificates() -> Certificates {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "pgbridge test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&server_key, &ca)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("server.crt"), server_cert.pem()).unwrap();
    std::fs::write(dir.path().join("server.key"), server_key.serialize_pem()).unwrap();
    std::fs::write(dir.path().join("ca.crt"), ca.pem()).unwrap();
    Certificates {
        ca: ca.der().clone(),
        dir,
    }
}

async fn start_tls(auth: AuthMethod, users: Vec<User>) -> (TestServer, Certificates) {
    let certificates = make_certificates();
    let config = Config {
        tls: Some(Tls {
            cert: certificates.dir.path().join("server.crt"),
            key: certificates.dir.path().join("server.key"),
        }),
        ..config(auth, users)
    };
    (start(config).await, certificates)
}

fn client_tls(certificates: &Certificates, alpn: bool) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certificates.ca.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    if alpn {
        config.alpn_protocols = vec![b"postgresql".to_vec()];
    }
    config
}

#[tokio::test]
async fn tls_required_with_scram_channel_binding() {
    let (server, certificates) = start_tls(
        AuthMethod::ScramSha256,
        vec![with_password("alice", "s3cret")],
    )
    .await;
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_tls(&certificates, false));

    let mut config = client_config(&server, "alice", Some("s3cret"));
    config
        .ssl_mode(SslMode::Require)
        .channel_binding(ChannelBinding::Require);
    let (client, connection) = config.connect(tls.clone()).await.unwrap();
    tokio::spawn(connection);
    select_one(&client).await;

    let mut wrong = client_config(&server, "alice", Some("nope"));
    wrong.ssl_mode(SslMode::Require);
    let result = wrong.connect(tls).await.map(|(client, _)| client);
    assert_password_failed(result, "alice");

    // TLS is optional: plain connections still work, and are offered plain SCRAM-SHA-256.
    select_one(&connect(&server, "alice", Some("s3cret")).await.unwrap()).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn direct_ssl_with_alpn() {
    let (server, certificates) =
        start_tls(AuthMethod::Md5, vec![with_password("alice", "s3cret")]).await;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_tls(&certificates, true)));
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let stream = connector.connect(name, tcp).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"postgresql"[..]));
    let mut config = client_config(&server, "alice", Some("s3cret"));
    config.ssl_mode(SslMode::Disable);
    let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
    tokio::spawn(connection);
    select_one(&client).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_tls_configured_refuses_ssl_request() {
    let server = start(config(AuthMethod::Trust, vec![])).await;
    let certificates = make_certificates();
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_tls(&certificates, false));
    let mut required = client_config(&server, "alice", None);
    required.ssl_mode(SslMode::Require);
    assert!(required.connect(tls.clone()).await.is_err());
    let mut preferred = client_config(&server, "alice", None);
    preferred.ssl_mode(SslMode::Prefer);
    let (client, connection) = preferred.connect(tls).await.unwrap();
    tokio::spawn(connection);
    select_one(&client).await;
    server.shutdown().await.unwrap();
}

/// libpq (psql) with TLS configured: sslmode=require uses SCRAM-SHA-256-PLUS, and
/// sslmode=disable must not be offered -PLUS (libpq refuses such a server). Skipped without psql.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_with_and_without_tls() {
    if std::process::Command::new("psql")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("psql not installed: skipping");
        return;
    }
    let (server, certificates) = start_tls(
        AuthMethod::ScramSha256,
        vec![with_password("alice", "s3cret")],
    )
    .await;
    let ca = certificates.dir.path().join("ca.crt");
    let run = |sslmode: &str, password: &str| {
        let connection = format!(
            "host=127.0.0.1 port={} user=alice dbname=app sslmode={sslmode} sslrootcert={} channel_binding=prefer",
            server.addr.port(),
            ca.display()
        );
        tokio::process::Command::new("psql")
            .args([connection.as_str(), "-X", "-A", "-t", "-c", "SELECT 1"])
            .env("PGPASSWORD", password)
            .env_remove("PGSERVICE")
            .output()
    };
    for sslmode in ["verify-full", "disable"] {
        let output = run(sslmode, "s3cret").await.unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "sslmode={sslmode}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "1");
    }
    let output = run("require", "wrong").await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("password authentication failed for user \"alice\""),
        "{stderr}"
    );
    server.shutdown().await.unwrap();
}
