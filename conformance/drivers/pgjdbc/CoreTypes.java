// Every core type round-tripped in text and binary, and NULLs, through pgjdbc.

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

final class CoreTypes {
    /** Reads one column the way an application would for that type. */
    interface Getter {
        Object get(ResultSet rs, int column) throws SQLException;
    }

    /**
     * One column of the types table: its SQL type, a literal, the text PostgreSQL prints for it,
     * the Java value sent as a parameter and the getter that reads it back.
     */
    record CoreType(String column, String sqlType, String literal, String text, Object value, Getter getter) {}

    static PGobject pgObject(String type, String value) {
        PGobject object = new PGobject();
        object.setType(type);
        try {
            object.setValue(value);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return object;
    }

    static PGInterval interval(String text) {
        try {
            return new PGInterval(text);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static final List<CoreType> TYPES = List.of(
            new CoreType("c_int2", "smallint", "-32768", "-32768", (short) -32768, ResultSet::getShort),
            new CoreType("c_int4", "integer", "2147483647", "2147483647", 2147483647, ResultSet::getInt),
            new CoreType("c_int8", "bigint", "-9223372036854775808", "-9223372036854775808", Long.MIN_VALUE,
                    ResultSet::getLong),
            new CoreType("c_float4", "real", "1.5", "1.5", 1.5f, ResultSet::getFloat),
            new CoreType("c_float8", "double precision", "3.141592653589793", "3.141592653589793",
                    3.141592653589793, ResultSet::getDouble),
            new CoreType("c_numeric", "numeric(14,4)", "12345678.1234", "12345678.1234",
                    new BigDecimal("12345678.1234"), ResultSet::getBigDecimal),
            new CoreType("c_bool", "boolean", "true", "t", true, ResultSet::getBoolean),
            new CoreType("c_text", "text", "'héllo ''wörld'' ✓'", "héllo 'wörld' ✓", "héllo 'wörld' ✓",
                    ResultSet::getString),
            new CoreType("c_varchar", "varchar(20)", "'abc'", "abc", "abc", ResultSet::getString),
            new CoreType("c_bytea", "bytea", "'\\xdeadbeef00'", "\\xdeadbeef00",
                    new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0}, ResultSet::getBytes),
            new CoreType("c_date", "date", "'2024-02-29'", "2024-02-29", LocalDate.of(2024, 2, 29),
                    (rs, i) -> rs.getObject(i, LocalDate.class)),
            new CoreType("c_time", "time", "'13:45:01.5'", "13:45:01.5", LocalTime.of(13, 45, 1, 500_000_000),
                    (rs, i) -> rs.getObject(i, LocalTime.class)),
            new CoreType("c_timestamp", "timestamp", "'2024-02-29 13:45:01.123456'", "2024-02-29 13:45:01.123456",
                    LocalDateTime.of(2024, 2, 29, 13, 45, 1, 123_456_000),
                    (rs, i) -> rs.getObject(i, LocalDateTime.class)),
            new CoreType("c_timestamptz", "timestamptz", "'2024-02-29 13:45:01.5+00'", "2024-02-29 13:45:01.5+00",
                    OffsetDateTime.of(2024, 2, 29, 13, 45, 1, 500_000_000, ZoneOffset.UTC),
                    (rs, i) -> rs.getObject(i, OffsetDateTime.class)),
            new CoreType("c_interval", "interval", "'1 day 02:03:04'", "1 day 02:03:04", interval("1 day 02:03:04"),
                    ResultSet::getObject),
            new CoreType("c_uuid", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                    (rs, i) -> rs.getObject(i, UUID.class)),
            new CoreType("c_json", "json", "'{\"b\": 1, \"a\": [1, 2]}'", "{\"b\": 1, \"a\": [1, 2]}",
                    pgObject("json", "{\"b\": 1, \"a\": [1, 2]}"), (rs, i) -> pgObject("json", rs.getString(i))),
            new CoreType("c_jsonb", "jsonb", "'{\"b\": 1, \"a\": [1, 2]}'", "{\"a\": [1, 2], \"b\": 1}",
                    pgObject("jsonb", "{\"a\": [1, 2], \"b\": 1}"), (rs, i) -> pgObject("jsonb", rs.getString(i))));

    static String columnDefinitions() {
        return String.join(", ", TYPES.stream().map(t -> t.column() + " " + t.sqlType()).toList());
    }

    static String columnList() {
        return String.join(", ", TYPES.stream().map(CoreType::column).toList());
    }

    static String select(int id) {
        return "SELECT " + columnList() + " FROM " + Scenario.table("types") + " WHERE id = " + id;
    }

    static String insert() {
        return "INSERT INTO " + Scenario.table("types") + " (id, " + columnList() + ") VALUES (?"
                + ", ?".repeat(TYPES.size()) + ")";
    }

    /**
     * Inserts every type as a literal, then reads it back as text with getString: once with the
     * simple query protocol, once with the extended protocol and binaryTransfer off.
     */
    static void text(String dsn) throws Exception {
        String literals = String.join(", ", TYPES.stream().map(CoreType::literal).toList());
        Scenario.execute("SET TimeZone = 'UTC'");
        Scenario.execute("INSERT INTO " + Scenario.table("types") + " (id, " + columnList() + ") VALUES (1, "
                + literals + ")");
        List<String> failures = new ArrayList<>();
        for (String mode : new String[] {"simple", "extended"}) {
            Properties properties = new Properties();
            properties.setProperty("preferQueryMode", mode);
            properties.setProperty("binaryTransfer", "false");
            try (Connection connection = Scenario.connect(dsn, properties);
                    Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                try (ResultSet rs = statement.executeQuery(select(1))) {
                    Scenario.check(rs.next(), mode + ": no row");
                    for (int i = 0; i < TYPES.size(); i++) {
                        CoreType type = TYPES.get(i);
                        String got = rs.getString(i + 1);
                        if (!type.text().equals(got)) {
                            failures.add(mode + " " + type.column() + " (" + type.sqlType() + "): got " + got
                                    + " want " + type.text());
                        }
                    }
                }
            }
        }
        Scenario.check(failures.isEmpty(), String.join("; ", failures));
    }

    static boolean same(Object got, Object want) {
        if (want instanceof byte[] bytes) {
            return got instanceof byte[] gotBytes && Arrays.equals(gotBytes, bytes);
        }
        return Objects.equals(got, want);
    }

    static String show(Object value) {
        return value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
    }

    /**
     * Sends every type as a typed parameter and reads it back with typed getters on a connection
     * with prepareThreshold=-1, which makes pgjdbc prepare on the server at once and ask for
     * binary results for the types it can read in binary.
     */
    static void binary(String dsn) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("prepareThreshold", "-1");
        properties.setProperty("binaryTransfer", "true");
        List<String> failures = new ArrayList<>();
        try (Connection connection = Scenario.connect(dsn, properties)) {
            try (PreparedStatement insert = connection.prepareStatement(insert())) {
                insert.setInt(1, 2);
                for (int i = 0; i < TYPES.size(); i++) {
                    insert.setObject(i + 2, TYPES.get(i).value());
                }
                Scenario.check(insert.executeUpdate() == 1, "insert did not report 1 row");
            }
            try (PreparedStatement select = connection.prepareStatement(select(2));
                    ResultSet rs = select.executeQuery()) {
                Scenario.check(rs.next(), "no row");
                for (int i = 0; i < TYPES.size(); i++) {
                    CoreType type = TYPES.get(i);
                    Object got = type.getter().get(rs, i + 1);
                    if (!same(got, type.value())) {
                        failures.add(type.column() + " (" + type.sqlType() + "): got " + show(got) + " want "
                                + show(type.value()));
                    }
                }
            }
        }
        Scenario.check(failures.isEmpty(), String.join("; ", failures));
    }

    /** NULL parameters of unspecified type, read back as NULL by getObject and wasNull. */
    static void nulls() throws Exception {
        List<String> failures = new ArrayList<>();
        try (PreparedStatement insert = Scenario.conn.prepareStatement(insert())) {
            insert.setInt(1, 3);
            for (int i = 0; i < TYPES.size(); i++) {
                insert.setNull(i + 2, Types.OTHER);
            }
            Scenario.check(insert.executeUpdate() == 1, "insert did not report 1 row");
        }
        try (PreparedStatement select = Scenario.conn.prepareStatement(select(3));
                ResultSet rs = select.executeQuery()) {
            Scenario.check(rs.next(), "no row");
            for (int i = 0; i < TYPES.size(); i++) {
                Object got = rs.getObject(i + 1);
                if (got != null || !rs.wasNull()) {
                    failures.add(TYPES.get(i).column() + ": got " + show(got) + ", want NULL");
                }
            }
        }
        try (PreparedStatement select = Scenario.conn.prepareStatement("SELECT ?::integer IS NULL, NULL::text")) {
            select.setNull(1, Types.INTEGER);
            try (ResultSet rs = select.executeQuery()) {
                Scenario.check(rs.next(), "no row");
                if (!rs.getBoolean(1) || rs.getString(2) != null) {
                    failures.add("SELECT ?::integer IS NULL, NULL::text gave " + rs.getBoolean(1) + ", " + rs.getString(2));
                }
            }
        }
        long nullRows = Scenario.count("SELECT count(*) FROM " + Scenario.table("types") + " WHERE c_int4 IS NULL");
        if (nullRows != 1) {
            failures.add("count of NULL c_int4 rows is " + nullRows + ", want 1");
        }
        Scenario.check(failures.isEmpty(), String.join("; ", failures));
    }
}
