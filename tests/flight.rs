//! The Arrow Flight SQL front end with arrow-flight's own Flight SQL client against an
//! in-process pgbridge on port 0 (SQLite): queries and their Arrow types, prepared statements
//! with `?` and `$n` parameters, updates, the catalog calls, plain-SQL tickets, errors with
//! their SQLSTATE, authentication, and concurrent exports checked row for row.

mod common;

use std::sync::Arc;

use futures::TryStreamExt;
use pgbridge_proxy::flight::arrow_array::cast::AsArray;
use pgbridge_proxy::flight::arrow_array::types::{
    Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Time64MicrosecondType, TimestampMicrosecondType,
};
use pgbridge_proxy::flight::arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use pgbridge_proxy::flight::arrow_flight::error::FlightError;
use pgbridge_proxy::flight::arrow_flight::sql::client::FlightSqlServiceClient;
use pgbridge_proxy::flight::arrow_flight::sql::{
    CommandGetDbSchemas, CommandGetPrimaryKeys, CommandGetTables, CommandGetXdbcTypeInfo, SqlInfo,
};
use pgbridge_proxy::flight::arrow_flight::{FlightClient, FlightInfo, Ticket};
use pgbridge_proxy::flight::arrow_schema::{DataType, TimeUnit};
use pgbridge_proxy::flight::tonic::transport::Channel;
use pgbridge_proxy::flight::tonic::{Code, Status};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// pgbridge with its wire and Flight listeners on port 0; stops when dropped.
struct FlightServer {
    wire: std::net::SocketAddr,
    flight: std::net::SocketAddr,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl FlightServer {
    async fn start() -> FlightServer {
        FlightServer::start_with(pgbridge::Config::default()).await
    }

    async fn start_with(config: pgbridge::Config) -> FlightServer {
        let dir = tempfile::tempdir().unwrap();
        let config = pgbridge::Config {
            backend: format!("sqlite://{}", dir.path().join("flight.db").display()),
            ..config
        };
        let wire = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let flight = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (wire_addr, flight_addr) = (wire.local_addr().unwrap(), flight.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(pgbridge::run_with_flight(
            config,
            wire,
            Some(flight),
            async {
                let _ = stopped.await;
            },
        ));
        FlightServer {
            wire: wire_addr,
            flight: flight_addr,
            _stop: stop,
            _dir: dir,
        }
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.flight))
            .unwrap()
            .connect()
            .await
            .expect("connect to the Flight listener")
    }

    async fn client(&self) -> FlightSqlServiceClient<Channel> {
        FlightSqlServiceClient::new(self.channel().await)
    }
}

/// All batches of every endpoint of a FlightInfo, and the schema FlightInfo announced.
async fn fetch(client: &mut FlightSqlServiceClient<Channel>, info: FlightInfo) -> Vec<RecordBatch> {
    let announced = info.clone().try_decode_schema().unwrap();
    let mut batches = Vec::new();
    for endpoint in info.endpoint {
        let stream = client.do_get(endpoint.ticket.unwrap()).await.unwrap();
        let part: Vec<RecordBatch> = stream.try_collect().await.unwrap();
        for batch in &part {
            assert_eq!(
                batch.schema().as_ref(),
                &announced,
                "stream schema = FlightInfo schema"
            );
        }
        batches.extend(part);
    }
    batches
}

async fn query(client: &mut FlightSqlServiceClient<Channel>, sql: &str) -> Vec<RecordBatch> {
    let info = client.execute(sql.to_owned(), None).await.unwrap();
    fetch(client, info).await
}

fn status_of(error: FlightError) -> Status {
    match error {
        FlightError::Tonic(status) => *status,
        other => panic!("expected a gRPC status, got {other:?}"),
    }
}

fn strings(array: &ArrayRef) -> Vec<Option<String>> {
    let array = array.as_string::<i32>();
    (0..array.len())
        .map(|i| array.is_valid(i).then(|| array.value(i).to_owned()))
        .collect()
}

const TYPES_TABLE: &str = "CREATE TABLE typed (
    id int4 PRIMARY KEY, i2 int2, i8 int8, f4 real, f8 double precision, n numeric(10,2),
    s text, v varchar(10), b bytea, ok boolean, d date, tm time, ts timestamp, tz timestamptz,
    u uuid, j jsonb)";

#[tokio::test]
async fn queries_stream_typed_arrow_columns() {
    let server = FlightServer::start().await;
    let mut client = server.client().await;
    assert_eq!(
        client
            .execute_update(TYPES_TABLE.to_owned(), None)
            .await
            .unwrap(),
        -1
    );
    let inserted = client
        .execute_update(
            "INSERT INTO typed VALUES (1, 2, 3000000000, 1.5, 2.25, 12.5, 'text', 'var', '\\x0102',
             true, '2024-02-29', '13:45:10.5', '2024-01-02 03:04:05.123456',
             '2024-01-02 03:04:05+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}'),
             (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL)"
                .to_owned(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(inserted, 2);

    let batches = query(&mut client, "SELECT * FROM typed ORDER BY id").await;
    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    let schema = batch.schema();
    let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
    assert_eq!(
        types,
        vec![
            &DataType::Int32,
            &DataType::Int16,
            &DataType::Int64,
            &DataType::Float32,
            &DataType::Float64,
            &DataType::Decimal128(10, 2),
            &DataType::Utf8,
            &DataType::Utf8,
            &DataType::Binary,
            &DataType::Boolean,
            &DataType::Date32,
            &DataType::Time64(TimeUnit::Microsecond),
            &DataType::Timestamp(TimeUnit::Microsecond, None),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            &DataType::FixedSizeBinary(16),
            &DataType::Utf8,
        ]
    );
    assert!(schema.fields().iter().all(|f| f.is_nullable()));
    assert_eq!(
        schema.field(14).metadata()["ARROW:extension:name"],
        "arrow.uuid"
    );
    assert_eq!(
        schema.field(15).metadata()["ARROW:extension:name"],
        "arrow.json"
    );
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 1);
    assert_eq!(batch.column(1).as_primitive::<Int16Type>().value(0), 2);
    assert_eq!(
        batch.column(2).as_primitive::<Int64Type>().value(0),
        3_000_000_000
    );
    assert_eq!(batch.column(3).as_primitive::<Float32Type>().value(0), 1.5);
    assert_eq!(batch.column(4).as_primitive::<Float64Type>().value(0), 2.25);
    assert_eq!(
        batch.column(5).as_primitive::<Decimal128Type>().value(0),
        1250
    );
    assert_eq!(strings(batch.column(6))[0].as_deref(), Some("text"));
    assert_eq!(batch.column(8).as_binary::<i32>().value(0), &[1, 2]);
    assert!(batch.column(9).as_boolean().value(0));
    // 2024-02-29 is day 19782 after 1970-01-01.
    assert_eq!(
        batch.column(10).as_primitive::<Date32Type>().value(0),
        19_782
    );
    assert_eq!(
        batch
            .column(11)
            .as_primitive::<Time64MicrosecondType>()
            .value(0),
        (13 * 3600 + 45 * 60 + 10) * 1_000_000 + 500_000
    );
    assert_eq!(
        batch
            .column(12)
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_704_164_645_123_456
    );
    // 03:04:05+02 is 01:04:05 UTC.
    assert_eq!(
        batch
            .column(13)
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_704_157_445_000_000
    );
    assert_eq!(
        batch.column(14).as_fixed_size_binary().value(0),
        &[
            0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38,
            0x0a, 0x11
        ]
    );
    assert_eq!(strings(batch.column(15))[0].as_deref(), Some("{\"a\": 1}"));
    for column in &batch.columns()[1..] {
        assert!(column.is_null(1), "row 2 is all NULL but the key");
    }
    assert!(batch.column(0).is_valid(1));

    // An empty result still carries its schema.
    let info = client
        .execute("SELECT id, s FROM typed WHERE id < 0".to_owned(), None)
        .await
        .unwrap();
    let announced = info.clone().try_decode_schema().unwrap();
    assert_eq!(announced.fields().len(), 2);
    let batches = fetch(&mut client, info).await;
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 0);

    // Writes through Flight are committed where the wire front end sees them.
    let (wire, connection) = tokio_postgres::connect(
        &format!("host=127.0.0.1 port={} user=postgres", server.wire.port()),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(connection);
    let count: i64 = wire
        .query_one("SELECT count(*) FROM typed", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 2);
}

#[tokio::test]
async fn prepared_statements_bind_question_mark_and_dollar_parameters() {
    let server = FlightServer::start().await;
    let mut client = server.client().await;
    client
        .execute_update(
            "CREATE TABLE p (id int4 PRIMARY KEY, name text)".to_owned(),
            None,
        )
        .await
        .unwrap();

    let mut insert = client
        .prepare("INSERT INTO p VALUES (?, ?)".to_owned(), None)
        .await
        .unwrap();
    let parameter_types: Vec<DataType> = insert
        .parameter_schema()
        .unwrap()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(parameter_types, vec![DataType::Int32, DataType::Utf8]);
    let rows = RecordBatch::try_from_iter([
        ("id", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef),
        (
            "name",
            Arc::new(StringArray::from(vec!["ann", "bob", "it's ?"])) as ArrayRef,
        ),
    ])
    .unwrap();
    insert.set_parameters(rows).unwrap();
    assert_eq!(insert.execute_update().await.unwrap(), 3);
    insert.close().await.unwrap();

    for sql in [
        "SELECT id, name FROM p WHERE id >= ? AND name <> ? ORDER BY id",
        "SELECT id, name FROM p WHERE id >= $1 AND name <> $2 ORDER BY id",
    ] {
        let mut select = client.prepare(sql.to_owned(), None).await.unwrap();
        let dataset: Vec<&str> = select
            .dataset_schema()
            .unwrap()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(dataset, ["id", "name"]);
        let parameters = RecordBatch::try_from_iter([
            ("a", Arc::new(Int64Array::from(vec![2])) as ArrayRef),
            ("b", Arc::new(StringArray::from(vec!["nobody"])) as ArrayRef),
        ])
        .unwrap();
        select.set_parameters(parameters).unwrap();
        let info = select.execute().await.unwrap();
        let batches = fetch(&mut client, info).await;
        let ids: Vec<i32> = batches
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int32Type>().values().to_vec())
            .collect();
        assert_eq!(ids, [2, 3], "{sql}");
        let names: Vec<Option<String>> =
            batches.iter().flat_map(|b| strings(b.column(1))).collect();
        assert_eq!(names[1].as_deref(), Some("it's ?"));
        select.close().await.unwrap();
    }
}

#[tokio::test]
async fn catalog_calls_describe_tables_keys_and_the_server() {
    let server = FlightServer::start().await;
    let mut client = server.client().await;
    client
        .execute_update(
            "CREATE TABLE orders (id int8, line int4, price numeric(8,2), PRIMARY KEY (id, line))"
                .to_owned(),
            None,
        )
        .await
        .unwrap();

    let info = client.get_catalogs().await.unwrap();
    let catalogs = fetch(&mut client, info).await;
    assert_eq!(catalogs[0].num_rows(), 1);

    let info = client
        .get_db_schemas(CommandGetDbSchemas {
            catalog: None,
            db_schema_filter_pattern: None,
        })
        .await
        .unwrap();
    let schemas = fetch(&mut client, info).await;
    let names: Vec<Option<String>> = schemas.iter().flat_map(|b| strings(b.column(1))).collect();
    assert!(names.contains(&Some("public".to_owned())), "{names:?}");

    let info = client
        .get_tables(CommandGetTables {
            catalog: None,
            db_schema_filter_pattern: None,
            table_name_filter_pattern: Some("ord%".to_owned()),
            table_types: vec![],
            include_schema: true,
        })
        .await
        .unwrap();
    let tables = fetch(&mut client, info).await;
    let table = &tables[0];
    assert_eq!(table.num_rows(), 1);
    assert_eq!(strings(table.column(2))[0].as_deref(), Some("orders"));
    assert_eq!(strings(table.column(3))[0].as_deref(), Some("TABLE"));
    let schema_bytes = table.column(4).as_binary::<i32>().value(0);
    let message = pgbridge_proxy::flight::arrow_flight::IpcMessage(schema_bytes.to_vec().into());
    let table_schema = pgbridge_proxy::flight::arrow_schema::Schema::try_from(message).unwrap();
    let columns: Vec<(&str, &DataType)> = table_schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", &DataType::Int64),
            ("line", &DataType::Int32),
            ("price", &DataType::Decimal128(8, 2))
        ]
    );

    let info = client.get_table_types().await.unwrap();
    let types = fetch(&mut client, info).await;
    assert_eq!(
        strings(types[0].column(0)),
        [Some("TABLE".to_owned()), Some("VIEW".to_owned())]
    );

    let info = client
        .get_primary_keys(CommandGetPrimaryKeys {
            catalog: None,
            db_schema: Some("public".to_owned()),
            table: "orders".to_owned(),
        })
        .await
        .unwrap();
    let keys = fetch(&mut client, info).await;
    assert_eq!(
        strings(keys[0].column(3)),
        [Some("id".to_owned()), Some("line".to_owned())]
    );
    assert_eq!(
        keys[0].column(5).as_primitive::<Int32Type>().values(),
        &[1, 2]
    );

    let info = client
        .get_sql_info(vec![SqlInfo::FlightSqlServerName])
        .await
        .unwrap();
    let info_batches = fetch(&mut client, info).await;
    assert_eq!(info_batches[0].num_rows(), 1);

    let info = client
        .get_xdbc_type_info(CommandGetXdbcTypeInfo { data_type: None })
        .await
        .unwrap();
    let type_batches = fetch(&mut client, info).await;
    let type_names: Vec<Option<String>> = type_batches
        .iter()
        .flat_map(|b| strings(b.column(0)))
        .collect();
    assert!(type_names.contains(&Some("timestamp with time zone".to_owned())));
}

#[tokio::test]
async fn errors_carry_their_sqlstate() {
    let server = FlightServer::start().await;
    let mut client = server.client().await;
    let missing = status_of(
        client
            .execute("SELECT * FROM nope".to_owned(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(missing.code(), Code::NotFound);
    assert!(
        missing.message().starts_with("SQLSTATE 42P01: "),
        "{}",
        missing.message()
    );
    let syntax = status_of(
        client
            .execute_update("SELEC 1".to_owned(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(syntax.code(), Code::InvalidArgument);
    assert!(
        syntax.message().contains("SQLSTATE 42601"),
        "{}",
        syntax.message()
    );
    let bad_ticket = status_of(
        client
            .do_get(Ticket::new("SELECT * FROM still_nope"))
            .await
            .unwrap_err(),
    );
    assert_eq!(bad_ticket.code(), Code::NotFound);
}

#[tokio::test]
async fn a_ticket_holding_sql_streams_for_plain_flight_clients() {
    let server = FlightServer::start().await;
    let mut flight = FlightClient::new(server.channel().await);
    let stream = flight
        .do_get(Ticket::new("SELECT 40 + 2 AS answer, 'x' AS letter"))
        .await
        .unwrap();
    let batches: Vec<RecordBatch> = stream.try_collect().await.unwrap();
    assert_eq!(batches[0].num_rows(), 1);
    assert_eq!(batches[0].schema().field(0).name(), "answer");
    assert_eq!(strings(batches[0].column(1))[0].as_deref(), Some("x"));
}

#[tokio::test]
async fn password_users_handshake_for_a_bearer_token() {
    let config: pgbridge::Config = toml::from_str(
        "auth = \"scram-sha-256\"\n[[users]]\nname = \"app\"\npassword = \"secret\"",
    )
    .unwrap();
    let server = FlightServer::start_with(config).await;
    let mut anonymous = server.client().await;
    let refused = status_of(
        anonymous
            .execute("SELECT 1".to_owned(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(refused.code(), Code::Unauthenticated);

    let mut wrong = server.client().await;
    assert!(wrong.handshake("app", "nope").await.is_err());

    let mut client = server.client().await;
    client.handshake("app", "secret").await.unwrap();
    assert!(client.token().is_some());
    let batches = query(&mut client, "SELECT current_user AS who").await;
    assert_eq!(strings(batches[0].column(0))[0].as_deref(), Some("app"));

    let mut forged = server.client().await;
    forged.set_token("0123".to_owned());
    let expired = status_of(
        forged
            .execute("SELECT 1".to_owned(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(expired.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn sixteen_concurrent_exports_arrive_row_for_row() {
    const ROWS: i64 = 20_000;
    let server = FlightServer::start_with(pgbridge::Config {
        flight_batch_rows: 1_000,
        ..Default::default()
    })
    .await;
    let mut client = server.client().await;
    client
        .execute_update(
            format!(
                "CREATE TABLE big (i int8); INSERT INTO big WITH RECURSIVE c(i) AS \
                 (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {ROWS}) SELECT i FROM c"
            ),
            None,
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for reader in 0..16i64 {
        let mut client = server.client().await;
        tasks.push(tokio::spawn(async move {
            let sql =
                format!("SELECT i, i * {reader} AS product, 'r' || i AS label FROM big ORDER BY i");
            let batches = query(&mut client, &sql).await;
            // 20,000 rows in batches of at most 1,000.
            assert!(batches.len() >= 20, "bounded batches");
            let mut expected = 1i64;
            for batch in &batches {
                assert!(batch.num_rows() <= 1_000);
                let ids = batch.column(0).as_primitive::<Int64Type>();
                let products = batch.column(1).as_primitive::<Int64Type>();
                let labels = batch.column(2).as_string::<i32>();
                for row in 0..batch.num_rows() {
                    assert_eq!(ids.value(row), expected);
                    assert_eq!(products.value(row), expected * reader);
                    assert_eq!(labels.value(row), format!("r{expected}"));
                    expected += 1;
                }
            }
            assert_eq!(expected - 1, ROWS);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn ingest_creates_appends_and_replaces_tables() {
    use pgbridge_proxy::flight::arrow_flight::sql::{
        CommandStatementIngest, TableDefinitionOptions, TableExistsOption, TableNotExistOption,
    };

    let server = FlightServer::start().await;
    let mut client = server.client().await;
    let batch = |ids: Vec<i64>| {
        let names: Vec<String> = ids.iter().map(|i| format!("n{i}")).collect();
        RecordBatch::try_from_iter([
            ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
            ("name", Arc::new(StringArray::from(names)) as ArrayRef),
        ])
        .unwrap()
    };
    let command =
        |if_not_exist: TableNotExistOption, if_exists: TableExistsOption| CommandStatementIngest {
            table_definition_options: Some(TableDefinitionOptions {
                if_not_exist: if_not_exist.into(),
                if_exists: if_exists.into(),
            }),
            table: "ingested".to_owned(),
            schema: None,
            catalog: None,
            temporary: false,
            transaction_id: None,
            options: Default::default(),
        };
    let create = command(TableNotExistOption::Create, TableExistsOption::Fail);
    let rows: Vec<i64> = (1..=5_000).collect();
    let count = client
        .execute_ingest(
            create.clone(),
            futures::stream::iter([
                Ok(batch(rows[..2_500].to_vec())),
                Ok(batch(rows[2_500..].to_vec())),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(count, 5_000);
    let again = status_of(
        client
            .execute_ingest(create, futures::stream::iter([Ok(batch(vec![1]))]))
            .await
            .unwrap_err(),
    );
    assert!(
        again.message().contains("SQLSTATE 42P07"),
        "{}",
        again.message()
    );

    let append = command(TableNotExistOption::Fail, TableExistsOption::Append);
    client
        .execute_ingest(append, futures::stream::iter([Ok(batch(vec![5_001]))]))
        .await
        .unwrap();
    let sum = query(
        &mut client,
        "SELECT count(*) AS n, sum(id) AS s FROM ingested",
    )
    .await;
    assert_eq!(sum[0].column(0).as_primitive::<Int64Type>().value(0), 5_001);

    let replace = command(TableNotExistOption::Create, TableExistsOption::Replace);
    client
        .execute_ingest(replace, futures::stream::iter([Ok(batch(vec![7, 8]))]))
        .await
        .unwrap();
    let rows = query(&mut client, "SELECT id, name FROM ingested ORDER BY id").await;
    assert_eq!(
        rows[0].column(0).as_primitive::<Int64Type>().values(),
        &[7, 8]
    );
    assert_eq!(strings(rows[0].column(1))[1].as_deref(), Some("n8"));
}

#[tokio::test]
async fn the_tls_certificate_of_the_config_serves_flight_too() {
    use pgbridge_proxy::flight::tonic::transport::{Certificate, ClientTlsConfig};

    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let certificates = tempfile::tempdir().unwrap();
    let cert = certificates.path().join("server.crt");
    let key = certificates.path().join("server.key");
    std::fs::write(&cert, server_cert.pem()).unwrap();
    std::fs::write(&key, server_key.serialize_pem()).unwrap();
    let server = FlightServer::start_with(pgbridge::Config {
        tls: Some(pgbridge::config::Tls { cert, key }),
        ..Default::default()
    })
    .await;

    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca.pem()))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://{}", server.flight))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .expect("TLS connection");
    let mut client = FlightSqlServiceClient::new(channel);
    let batches = query(&mut client, "SELECT 'over tls' AS how").await;
    assert_eq!(
        strings(batches[0].column(0))[0].as_deref(),
        Some("over tls")
    );

    // Plain HTTP/2 to the TLS listener gets no answer.
    let mut plain = server.client().await;
    assert!(plain.execute("SELECT 1".to_owned(), None).await.is_err());
}

/// A query SQLite works on for minutes before its one row: only a cancel ends it early.
const ENDLESS_COUNT: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
    WHERE x < 1000000000000) SELECT count(*) FROM c";

#[tokio::test]
async fn cancel_flight_info_stops_the_running_query() {
    use pgbridge_proxy::flight::arrow_flight::{CancelFlightInfoRequest, CancelStatus};
    let server = FlightServer::start().await;
    let mut client = server.client().await;
    let info = client
        .execute(ENDLESS_COUNT.to_owned(), None)
        .await
        .unwrap();
    let ticket = info.endpoint[0].ticket.clone().unwrap();
    let mut reader = server.client().await;
    let export = tokio::spawn(async move {
        let stream = reader.do_get(ticket).await?;
        stream.try_collect::<Vec<RecordBatch>>().await
    });
    let mut flight = FlightClient::new(server.channel().await);
    // The DoGet registers its query when it starts: retry until the cancel finds it.
    let mut cancelled = None;
    for _ in 0..100 {
        match flight
            .cancel_flight_info(CancelFlightInfoRequest::new(info.clone()))
            .await
        {
            Ok(result) => {
                cancelled = Some(result);
                break;
            }
            Err(error) => assert_eq!(status_of(error).code(), Code::NotFound),
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(cancelled.unwrap().status(), CancelStatus::Cancelled);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), export)
        .await
        .expect("the cancelled export ends at once, not when the count would finish")
        .unwrap();
    let status = status_of(ended.unwrap_err());
    assert_eq!(status.code(), Code::Cancelled, "{}", status.message());
    assert!(
        status.message().contains("SQLSTATE 57014"),
        "{}",
        status.message()
    );
    // Nothing of that query is left running: a second cancel finds nothing.
    let again = flight
        .cancel_flight_info(CancelFlightInfoRequest::new(info))
        .await
        .unwrap_err();
    assert_eq!(status_of(again).code(), Code::NotFound);
    // The server goes on serving.
    let batches = query(&mut client, "SELECT 1 AS one").await;
    assert_eq!(batches[0].num_rows(), 1);
}

#[tokio::test]
async fn the_call_timeout_stops_queries_and_rolls_updates_back() {
    let server = FlightServer::start_with(pgbridge::Config {
        flight_call_timeout_ms: 300,
        ..pgbridge::Config::default()
    })
    .await;
    let mut client = server.client().await;
    let info = client
        .execute(ENDLESS_COUNT.to_owned(), None)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let stream = client
        .do_get(info.endpoint[0].ticket.clone().unwrap())
        .await;
    let error = match stream {
        Ok(stream) => stream.try_collect::<Vec<RecordBatch>>().await.unwrap_err(),
        Err(error) => error,
    };
    let status = status_of(error);
    assert_eq!(
        status.code(),
        Code::DeadlineExceeded,
        "{}",
        status.message()
    );
    assert!(
        status.message().contains("statement timeout"),
        "{}",
        status.message()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    client
        .execute_update("CREATE TABLE numbers (x int8)".to_owned(), None)
        .await
        .unwrap();
    let endless_insert = "INSERT INTO numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL \
        SELECT x + 1 FROM c WHERE x < 1000000000000) SELECT x FROM c";
    let status = status_of(
        client
            .execute_update(endless_insert.to_owned(), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        status.code(),
        Code::DeadlineExceeded,
        "{}",
        status.message()
    );
    let batches = query(&mut client, "SELECT count(*) AS n FROM numbers").await;
    let count = batches[0].column(0).as_primitive::<Int64Type>().value(0);
    assert_eq!(count, 0, "the stopped INSERT was rolled back");
}
