// The driver conformance scenario for pgjdbc (Debian's libpostgresql-jdbc-java), run by
// conformance/drivers/run.py through run.sh. It reads the PGBRIDGE_DRIVER_* variables and prints
// one JSON line per step: {"step", "status", "detail"}.

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;

public final class Scenario {
    /** A step that cannot run for a reason outside pgbridge. */
    static final class NotApplicable extends Exception {
        private static final long serialVersionUID = 1L;

        NotApplicable(String reason) {
            super(reason);
        }
    }

    /** A step body. */
    interface Step {
        void run() throws Exception;
    }

    static final String PREFIX = envOr("PGBRIDGE_DRIVER_TABLE_PREFIX", "pgjdbc_");
    static Connection conn;

    static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static String table(String name) {
        return PREFIX + name;
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static void report(String step, String status, String detail) {
        System.out.println("{\"step\": " + json(step) + ", \"status\": " + json(status) + ", \"detail\": "
                + json(detail) + "}");
        System.out.flush();
    }

    /** Runs one step and reports it; any exception fails that step only. */
    static void run(String step, Step body) {
        try {
            body.run();
            report(step, "pass", "");
        } catch (NotApplicable e) {
            report(step, "n/a", e.getMessage());
        } catch (Throwable e) {
            String detail = e.toString();
            if (e instanceof SQLException sql) {
                detail = "SQLSTATE " + sql.getSQLState() + ": " + sql.getMessage();
            }
            report(step, "fail", detail);
            e.printStackTrace();
        }
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** Runs a statement and checks that it fails with the given SQLSTATE. */
    static void expectState(String what, String code, Step body) throws Exception {
        try {
            body.run();
        } catch (SQLException e) {
            check(code.equals(e.getSQLState()), what + ": expected SQLSTATE " + code + ", got " + e.getSQLState()
                    + " (" + e.getMessage() + ")");
            return;
        }
        throw new AssertionError(what + ": expected SQLSTATE " + code + ", got success");
    }

    /** A postgresql:// URL as a JDBC URL and its properties (user, password, sslmode). */
    static Connection connect(String dsn, Properties extra) throws Exception {
        URI uri = URI.create(dsn);
        Properties properties = new Properties();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            properties.setProperty("user", URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
            if (parts.length == 2) {
                properties.setProperty("password", URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                properties.setProperty(kv[0], kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        properties.setProperty("connectTimeout", "20");
        properties.putAll(extra);
        String url = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
        return DriverManager.getConnection(url, properties);
    }

    static void selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            check(rs.next() && rs.getInt(1) == 1, "SELECT 1 did not return 1");
        }
    }

    /** Connects with a password DSN, then checks that a wrong password is refused with 28P01. */
    static void passwordAuth(String variable) throws Exception {
        String dsn = System.getenv(variable);
        if (dsn == null || dsn.isEmpty()) {
            throw new NotApplicable(variable + " not provided by the runner for this target");
        }
        try (Connection connection = connect(dsn, new Properties())) {
            selectOne(connection);
        }
        Properties wrong = new Properties();
        String[] userInfo = URI.create(dsn).getRawUserInfo().split(":", 2);
        String password = userInfo.length == 2 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "";
        wrong.setProperty("password", password + "-wrong");
        expectState("wrong password", "28P01", () -> connect(dsn, wrong).close());
    }

    static void connectTls() throws Exception {
        String dsn = System.getenv("PGBRIDGE_DRIVER_TLS_DSN");
        if (dsn == null || dsn.isEmpty()) {
            throw new NotApplicable("PGBRIDGE_DRIVER_TLS_DSN not provided by the runner for this target");
        }
        Properties tls = new Properties();
        String ca = System.getenv("PGBRIDGE_DRIVER_CA");
        // sslmode=require refuses a server that answers the SSLRequest with N; with the CA given,
        // verify-ca also checks the certificate chain.
        tls.setProperty("sslmode", ca == null || ca.isEmpty() ? "require" : "verify-ca");
        if (ca != null && !ca.isEmpty()) {
            tls.setProperty("sslrootcert", ca);
        }
        try (Connection connection = connect(dsn, tls)) {
            selectOne(connection);
        }
    }

    static void execute(String sql) throws SQLException {
        try (Statement statement = conn.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(sql + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    static List<String> rows(String sql, Object... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement statement = conn.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        values.add(rs.getString(i));
                    }
                    out.add(String.join("|", values));
                }
            }
        }
        return out;
    }

    static long count(String sql) throws SQLException {
        try (Statement statement = conn.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            check(rs.next(), sql + ": no row");
            return rs.getLong(1);
        }
    }

    static void ddl() throws Exception {
        for (String name : new String[] {"items", "types", "copy"}) {
            execute("DROP TABLE IF EXISTS " + table(name));
        }
        execute("CREATE TABLE " + table("items")
                + " (id integer PRIMARY KEY, name text NOT NULL, score double precision, created date)");
        execute("CREATE INDEX " + table("items_name_idx") + " ON " + table("items") + " (name)");
        execute("CREATE TABLE " + table("types") + " (id integer PRIMARY KEY, " + CoreTypes.columnDefinitions() + ")");
        execute("CREATE TABLE " + table("copy") + " (id integer PRIMARY KEY, label text, amount numeric(10,2))");
        check(count("SELECT count(*) FROM " + table("items")) == 0, "new table is not empty");
    }

    static final Object[][] ITEMS = {
        {1, "alpha", 1.5, LocalDate.of(2024, 1, 5)},
        {2, "beta", -2.25, LocalDate.of(2024, 2, 29)},
        {3, "gamma 'quoted'", 1e10, LocalDate.of(1999, 12, 31)},
    };

    static void insertParams() throws Exception {
        try (PreparedStatement insert = conn.prepareStatement(
                "INSERT INTO " + table("items") + " (id, name, score, created) VALUES (?, ?, ?, ?)")) {
            for (Object[] item : ITEMS) {
                insert.setInt(1, (Integer) item[0]);
                insert.setString(2, (String) item[1]);
                insert.setDouble(3, (Double) item[2]);
                insert.setObject(4, item[3]);
                check(insert.executeUpdate() == 1, "insert of " + item[0] + " did not report 1 row");
            }
        }
        try (PreparedStatement select = conn.prepareStatement(
                "SELECT id, name, score, created FROM " + table("items") + " WHERE id = ?")) {
            for (Object[] item : ITEMS) {
                select.setInt(1, (Integer) item[0]);
                try (ResultSet rs = select.executeQuery()) {
                    check(rs.next(), "no row " + item[0]);
                    Object[] got = {rs.getInt(1), rs.getString(2), rs.getDouble(3), rs.getObject(4, LocalDate.class)};
                    check(Arrays.equals(got, item), "row " + Arrays.toString(got) + ", want " + Arrays.toString(item));
                }
            }
        }
    }

    static void streamRows() throws Exception {
        // Autocommit off and a fetch size make pgjdbc read through a portal 1,000 rows at a time.
        conn.setAutoCommit(false);
        try (Statement statement = conn.createStatement()) {
            statement.setFetchSize(1000);
            long rows = 0;
            long sum = 0;
            try (ResultSet rs = statement.executeQuery(
                    "SELECT g.i, 'row ' || g.i FROM generate_series(1, 100000) AS g(i)")) {
                while (rs.next()) {
                    long i = rs.getLong(1);
                    check(rs.getString(2).equals("row " + i), "row " + i + " labelled " + rs.getString(2));
                    rows++;
                    sum += i;
                }
            }
            check(rows == 100000 && sum == 5000050000L, rows + " rows summing to " + sum);
        } finally {
            conn.rollback();
            conn.setAutoCommit(true);
        }
    }

    static void transactionRollback() throws Exception {
        long before = count("SELECT count(*) FROM " + table("items"));
        conn.setAutoCommit(false);
        try {
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (50, 'rolled back')");
            long inside = count("SELECT count(*) FROM " + table("items"));
            conn.rollback();
            long after = count("SELECT count(*) FROM " + table("items"));
            check(inside == before + 1 && after == before,
                    "counts before/inside/after rollback " + before + "/" + inside + "/" + after);
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (51, 'committed')");
            conn.commit();
        } finally {
            conn.setAutoCommit(true);
        }
        check(count("SELECT count(*) FROM " + table("items")) == before + 1, "the committed row is missing");
    }

    static void failedTransaction() throws Exception {
        conn.setAutoCommit(false);
        try {
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (60, 'first')");
            expectState("duplicate insert", "23505",
                    () -> execute("INSERT INTO " + table("items") + " (id, name) VALUES (60, 'duplicate')"));
            expectState("statement after the error", "25P02", () -> selectOne(conn));
            conn.rollback();
        } finally {
            conn.setAutoCommit(true);
        }
        long kept = count("SELECT count(*) FROM " + table("items") + " WHERE id = 60");
        check(kept == 0, "the failed transaction's first insert survived ROLLBACK (" + kept + " rows)");
    }

    static void savepoints() throws Exception {
        conn.setAutoCommit(false);
        try {
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (100, 'kept')");
            Savepoint first = conn.setSavepoint("s1");
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (101, 'undone')");
            conn.rollback(first);
            Savepoint second = conn.setSavepoint();
            expectState("duplicate insert", "23505",
                    () -> execute("INSERT INTO " + table("items") + " (id, name) VALUES (100, 'duplicate')"));
            conn.rollback(second);
            execute("INSERT INTO " + table("items") + " (id, name) VALUES (102, 'after error')");
            conn.releaseSavepoint(first);
            conn.commit();
        } catch (Exception e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
        List<String> got = rows("SELECT id, name FROM " + table("items") + " WHERE id >= 100 ORDER BY id");
        check(got.equals(List.of("100|kept", "102|after error")), "rows " + got);
    }

    /** One PreparedStatement run past pgjdbc's prepareThreshold (5): it then uses a named server statement. */
    static void preparedReuse() throws Exception {
        try (PreparedStatement select = conn.prepareStatement(
                "SELECT name, score FROM " + table("items") + " WHERE id = ?")) {
            int threshold = select.unwrap(PGStatement.class).getPrepareThreshold();
            check(threshold == 5, "prepareThreshold is " + threshold + ", expected pgjdbc's default 5");
            for (int round = 0; round < 12; round++) {
                Object[] item = ITEMS[round % ITEMS.length];
                select.setInt(1, (Integer) item[0]);
                try (ResultSet rs = select.executeQuery()) {
                    check(rs.next(), "round " + round + ": no row");
                    check(rs.getString(1).equals(item[1]) && rs.getDouble(2) == (Double) item[2],
                            "round " + round + ": got " + rs.getString(1) + " " + rs.getDouble(2));
                }
            }
            check(select.unwrap(PGStatement.class).isUseServerPrepare(),
                    "after 12 runs the statement is not server-prepared");
        }
    }

    static void errorSqlState() throws Exception {
        execute("INSERT INTO " + table("items") + " (id, name) VALUES (70, 'seventy')");
        String[][] cases = {
            {"INSERT INTO " + table("items") + " (id, name) VALUES (70, 'duplicate')", "23505"},
            {"INSERT INTO " + table("items") + " (id) VALUES (200)", "23502"},
            {"SELECT * FROM " + table("no_such_table"), "42P01"},
            {"SELECT no_such_column FROM " + table("items"), "42703"},
            {"SELEC 1", "42601"},
            {"SELECT 1 / 0", "22012"},
            {"SELECT 'abc'::integer", "22P02"},
        };
        List<String> failures = new ArrayList<>();
        for (String[] c : cases) {
            try {
                expectState(c[0], c[1], () -> execute(c[0]));
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        selectOne(conn);
        check(failures.isEmpty(), String.join("; ", failures));
    }

    static final String COPY_TEXT = "1\tone\t1.50\n2\ttab\\there\t-2.00\n3\t\\N\t1000.25\n";

    static void copyIn() throws Exception {
        CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
        long loaded = copy.copyIn("COPY " + table("copy") + " (id, label, amount) FROM STDIN", new StringReader(COPY_TEXT));
        check(loaded == 3, "copyIn reported " + loaded + " rows");
        List<String> got = rows("SELECT id, coalesce(label, '<null>'), amount FROM " + table("copy") + " ORDER BY id");
        check(got.equals(List.of("1|one|1.50", "2|tab\there|-2.00", "3|<null>|1000.25")), "table after COPY: " + got);
    }

    static void copyOut() throws Exception {
        // The rows with plain INSERTs first, so that copy_out does not depend on copy_in.
        execute("DELETE FROM " + table("copy"));
        try (PreparedStatement insert = conn.prepareStatement(
                "INSERT INTO " + table("copy") + " (id, label, amount) VALUES (?, ?, ?)")) {
            Object[][] rows = {{1, "one", new BigDecimal("1.50")}, {2, "tab\there", new BigDecimal("-2.00")},
                {3, null, new BigDecimal("1000.25")}};
            for (Object[] row : rows) {
                insert.setInt(1, (Integer) row[0]);
                insert.setString(2, (String) row[1]);
                insert.setBigDecimal(3, (BigDecimal) row[2]);
                insert.executeUpdate();
            }
        }
        CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
        for (String sql : new String[] {
            "COPY " + table("copy") + " TO STDOUT",
            "COPY (SELECT id, label, amount FROM " + table("copy") + " ORDER BY id) TO STDOUT",
        }) {
            StringWriter out = new StringWriter();
            long written = copy.copyOut(sql, out);
            check(out.toString().equals(COPY_TEXT), sql + ": got " + json(out.toString()));
            check(written == 3, sql + ": copyOut reported " + written + " rows");
        }
    }

    /** Takes minutes on PostgreSQL and SQLite alike, without writing anything to disk. */
    static final String LONG_QUERY = "SELECT count(*) FROM generate_series(1, 100000) AS a(i), "
            + "generate_series(1, 100000) AS b(j) WHERE a.i + b.j = 3";

    static void cancel() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Statement statement = conn.createStatement()) {
            long started = System.nanoTime();
            Future<?> running = executor.submit(() -> {
                expectState("cancelled query", "57014", () -> statement.executeQuery(LONG_QUERY).close());
                return null;
            });
            Thread.sleep(1000);
            statement.cancel();
            running.get(30, TimeUnit.SECONDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            check(seconds < 20, "cancel took " + seconds + " s");
        } finally {
            executor.shutdownNow();
        }
        selectOne(conn);
    }

    static List<String> metadataRows(ResultSet rs, String... columns) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (String column : columns) {
                    values.add(column + "=" + rs.getString(column));
                }
                out.add(String.join(" ", values));
            }
        }
        return out;
    }

    /** A DatabaseMetaData call. */
    interface MetadataCall {
        ResultSet call() throws SQLException;
    }

    /**
     * Runs one metadata call and checks its rows; a failure (an exception or wrong rows) is added
     * to the list, so that every call of the step is tried and reported.
     */
    static void checkMetadata(List<String> failures, String name, MetadataCall call,
            java.util.function.Predicate<List<String>> right, String want, String... columns) {
        try {
            List<String> rows = metadataRows(call.call(), columns);
            if (!right.test(rows)) {
                failures.add(name + ": " + rows + ", want " + want);
            }
        } catch (SQLException e) {
            failures.add(name + ": SQLSTATE " + e.getSQLState() + ": " + e.getMessage());
        }
    }

    static void introspection() throws Exception {
        DatabaseMetaData meta = conn.getMetaData();
        List<String> failures = new ArrayList<>();
        List<String> wantTables = List.of("TABLE_SCHEM=public TABLE_NAME=" + table("items") + " TABLE_TYPE=TABLE");
        checkMetadata(failures, "getTables",
                () -> meta.getTables(null, "public", table("items"), new String[] {"TABLE"}),
                wantTables::equals, wantTables.toString(), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
        List<String> wantColumns = List.of(
                "COLUMN_NAME=id TYPE_NAME=int4 DATA_TYPE=" + Types.INTEGER + " IS_NULLABLE=NO ORDINAL_POSITION=1",
                "COLUMN_NAME=name TYPE_NAME=text DATA_TYPE=" + Types.VARCHAR + " IS_NULLABLE=NO ORDINAL_POSITION=2",
                "COLUMN_NAME=score TYPE_NAME=float8 DATA_TYPE=" + Types.DOUBLE + " IS_NULLABLE=YES ORDINAL_POSITION=3",
                "COLUMN_NAME=created TYPE_NAME=date DATA_TYPE=" + Types.DATE + " IS_NULLABLE=YES ORDINAL_POSITION=4");
        checkMetadata(failures, "getColumns", () -> meta.getColumns(null, "public", table("items"), null),
                wantColumns::equals, wantColumns.toString(),
                "COLUMN_NAME", "TYPE_NAME", "DATA_TYPE", "IS_NULLABLE", "ORDINAL_POSITION");
        List<String> wantKeys = List.of("COLUMN_NAME=id KEY_SEQ=1");
        checkMetadata(failures, "getPrimaryKeys", () -> meta.getPrimaryKeys(null, "public", table("items")),
                wantKeys::equals, wantKeys.toString(), "COLUMN_NAME", "KEY_SEQ");
        String byName = "INDEX_NAME=" + table("items_name_idx") + " NON_UNIQUE=t COLUMN_NAME=name";
        checkMetadata(failures, "getIndexInfo", () -> meta.getIndexInfo(null, "public", table("items"), false, false),
                indexes -> indexes.size() == 2 && indexes.contains(byName)
                        && indexes.stream().anyMatch(i -> i.endsWith("NON_UNIQUE=f COLUMN_NAME=id")),
                "the primary key on id and " + byName, "INDEX_NAME", "NON_UNIQUE", "COLUMN_NAME");
        check(failures.isEmpty(), String.join("; ", failures));
    }

    static void batch() throws Exception {
        execute("DELETE FROM " + table("copy"));
        try (PreparedStatement insert = conn.prepareStatement(
                "INSERT INTO " + table("copy") + " (id, label, amount) VALUES (?, ?, ?)")) {
            for (int i = 1; i <= 50; i++) {
                insert.setInt(1, i);
                insert.setString(2, "batch " + i);
                insert.setBigDecimal(3, new BigDecimal(i).movePointLeft(1));
                insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            check(counts.length == 50 && Arrays.stream(counts).allMatch(c -> c == 1 || c == Statement.SUCCESS_NO_INFO),
                    "batch update counts " + Arrays.toString(counts));
        }
        List<String> got = rows("SELECT count(*), sum(amount) FROM " + table("copy"));
        check(got.equals(List.of("50|127.50")), "after the batch: " + got);
    }

    public static void main(String[] args) throws Exception {
        String dsn = System.getenv("PGBRIDGE_DRIVER_DSN");
        if (dsn == null || dsn.isEmpty()) {
            System.err.println("PGBRIDGE_DRIVER_DSN is not set");
            System.exit(2);
        }
        run("connect_trust", () -> {
            conn = connect(dsn, new Properties());
            selectOne(conn);
            String version = rows("SELECT version()").get(0);
            check(version.startsWith("PostgreSQL "), "version() is " + version + ", not PostgreSQL ...");
        });
        run("connect_md5", () -> passwordAuth("PGBRIDGE_DRIVER_MD5_DSN"));
        run("connect_scram", () -> passwordAuth("PGBRIDGE_DRIVER_SCRAM_DSN"));
        run("connect_tls", Scenario::connectTls);
        Object[][] steps = {
            {"ddl", (Step) Scenario::ddl},
            {"insert_params", (Step) Scenario::insertParams},
            {"types_text", (Step) () -> CoreTypes.text(dsn)},
            {"types_binary", (Step) () -> CoreTypes.binary(dsn)},
            {"nulls", (Step) CoreTypes::nulls},
            {"stream_100k", (Step) Scenario::streamRows},
            {"transaction_rollback", (Step) Scenario::transactionRollback},
            {"failed_transaction_25P02", (Step) Scenario::failedTransaction},
            {"savepoints", (Step) Scenario::savepoints},
            {"prepared_reuse", (Step) Scenario::preparedReuse},
            {"error_sqlstate", (Step) Scenario::errorSqlState},
            {"copy_in", (Step) Scenario::copyIn},
            {"copy_out", (Step) Scenario::copyOut},
            {"cancel", (Step) Scenario::cancel},
            {"introspection", (Step) Scenario::introspection},
            {"batch", (Step) Scenario::batch},
        };
        for (Object[] step : steps) {
            run((String) step[0], () -> {
                if (conn == null || conn.isClosed() || !conn.isValid(5)) {
                    conn = connect(dsn, new Properties());
                }
                ((Step) step[1]).run();
            });
        }
        if (conn != null) {
            conn.close();
        }
    }
}
