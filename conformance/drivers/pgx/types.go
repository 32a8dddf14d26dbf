// Every core type round-tripped in text and binary, and NULLs.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

// coreType is one column of the types table: its SQL type, a literal, the text PostgreSQL prints
// for it, and the Go value pgx sends and reads back in binary.
type coreType struct {
	column, sqlType, literal, text string
	value                          interface{}
}

func mustNumeric(text string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Set(text); err != nil {
		panic(err)
	}
	return n
}

var coreTypes = []coreType{
	{"c_int2", "smallint", "-32768", "-32768", int16(-32768)},
	{"c_int4", "integer", "2147483647", "2147483647", int32(2147483647)},
	{"c_int8", "bigint", "-9223372036854775808", "-9223372036854775808", int64(-9223372036854775808)},
	{"c_float4", "real", "1.5", "1.5", float32(1.5)},
	{"c_float8", "double precision", "3.141592653589793", "3.141592653589793", float64(3.141592653589793)},
	{"c_numeric", "numeric(14,4)", "12345678.1234", "12345678.1234", mustNumeric("12345678.1234")},
	{"c_bool", "boolean", "true", "t", true},
	{"c_text", "text", "'héllo ''wörld'' ✓'", "héllo 'wörld' ✓", "héllo 'wörld' ✓"},
	{"c_varchar", "varchar(20)", "'abc'", "abc", "abc"},
	{"c_bytea", "bytea", `'\xdeadbeef00'`, `\xdeadbeef00`, []byte{0xde, 0xad, 0xbe, 0xef, 0x00}},
	{"c_date", "date", "'2024-02-29'", "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
	{"c_time", "time", "'13:45:01.5'", "13:45:01.5", pgtype.Time{Microseconds: (13*3600+45*60+1)*1000000 + 500000, Status: pgtype.Present}},
	{"c_timestamp", "timestamp", "'2024-02-29 13:45:01.123456'", "2024-02-29 13:45:01.123456", time.Date(2024, 2, 29, 13, 45, 1, 123456000, time.UTC)},
	{"c_timestamptz", "timestamptz", "'2024-02-29 13:45:01.5+00'", "2024-02-29 13:45:01.5+00", time.Date(2024, 2, 29, 13, 45, 1, 500000000, time.UTC)},
	{"c_interval", "interval", "'1 day 02:03:04'", "1 day 02:03:04", pgtype.Interval{Days: 1, Microseconds: (2*3600 + 3*60 + 4) * 1000000, Status: pgtype.Present}},
	{"c_uuid", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}},
	{"c_json", "json", `'{"b": 1, "a": [1, 2]}'`, `{"b": 1, "a": [1, 2]}`, pgtype.JSON{Bytes: []byte(`{"b": 1, "a": [1, 2]}`), Status: pgtype.Present}},
	{"c_jsonb", "jsonb", `'{"b": 1, "a": [1, 2]}'`, `{"a": [1, 2], "b": 1}`, pgtype.JSONB{Bytes: []byte(`{"a": [1, 2], "b": 1}`), Status: pgtype.Present}},
}

func typeColumns() string {
	parts := make([]string, len(coreTypes))
	for i, t := range coreTypes {
		parts[i] = t.column + " " + t.sqlType
	}
	return strings.Join(parts, ", ")
}

func columnList() string {
	names := make([]string, len(coreTypes))
	for i, t := range coreTypes {
		names[i] = t.column
	}
	return strings.Join(names, ", ")
}

// typesText inserts every core type as a literal and reads it back as text: simple protocol
// first, then the extended protocol with text result formats requested.
func typesText(conn *pgx.Conn) error {
	if err := exec(conn, "SET TimeZone = 'UTC'"); err != nil {
		return err
	}
	literals := make([]string, len(coreTypes))
	for i, t := range coreTypes {
		literals[i] = t.literal
	}
	insert := "INSERT INTO " + table("types") + " (id, " + columnList() + ") VALUES (1, " + strings.Join(literals, ", ") + ")"
	if _, err := conn.Exec(ctx, insert, pgx.QuerySimpleProtocol(true)); err != nil {
		return fmt.Errorf("%s: %w", insert, err)
	}
	query := "SELECT " + columnList() + " FROM " + table("types") + " WHERE id = 1"
	textFormats := make(pgx.QueryResultFormats, len(coreTypes))
	var failures []string
	for _, mode := range []struct {
		name string
		args []interface{}
	}{{"simple protocol", []interface{}{pgx.QuerySimpleProtocol(true)}}, {"extended, text results", []interface{}{textFormats}}} {
		rows, err := conn.Query(ctx, query, mode.args...)
		if err != nil {
			return fmt.Errorf("%s: %w", mode.name, err)
		}
		found := false
		for rows.Next() {
			found = true
			for i, field := range rows.FieldDescriptions() {
				if field.Format != pgx.TextFormatCode {
					failures = append(failures, fmt.Sprintf("%s %s: format %d", mode.name, coreTypes[i].column, field.Format))
				}
			}
			for i, raw := range rows.RawValues() {
				if string(raw) != coreTypes[i].text {
					failures = append(failures, fmt.Sprintf("%s %s (%s): got %q want %q", mode.name, coreTypes[i].column, coreTypes[i].sqlType, raw, coreTypes[i].text))
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", mode.name, err)
		}
		if !found {
			return fmt.Errorf("%s: no row", mode.name)
		}
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}

// insertTypesRow inserts one row of the types table with every column a parameter.
func insertTypesRow(conn *pgx.Conn, id int32, value func(coreType) interface{}) error {
	placeholders := make([]string, len(coreTypes))
	args := []interface{}{id}
	for i, t := range coreTypes {
		placeholders[i] = fmt.Sprintf("$%d", i+2)
		args = append(args, value(t))
	}
	insert := "INSERT INTO " + table("types") + " (id, " + columnList() + ") VALUES ($1, " + strings.Join(placeholders, ", ") + ")"
	return exec(conn, insert, args...)
}

// selectTypesRow reads one row of the types table and leaves the rows positioned on it.
func selectTypesRow(conn *pgx.Conn, id int32, options ...interface{}) (pgx.Rows, error) {
	rows, err := conn.Query(ctx, "SELECT "+columnList()+" FROM "+table("types")+" WHERE id = $1", append(options, id)...)
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		rows.Close()
		return nil, fmt.Errorf("no row %d: %v", id, rows.Err())
	}
	return rows, nil
}

// typesBinary sends every core type as a parameter (pgx encodes by the server's parameter OIDs,
// binary for these types) and reads it back in binary (pgx's default for most of these types;
// requested explicitly for all, since pgx asks text for text, varchar and json by default).
func typesBinary(conn *pgx.Conn) error {
	if err := insertTypesRow(conn, 2, func(t coreType) interface{} { return t.value }); err != nil {
		return err
	}
	binaryFormats := make(pgx.QueryResultFormats, len(coreTypes))
	for i := range binaryFormats {
		binaryFormats[i] = pgx.BinaryFormatCode
	}
	rows, err := selectTypesRow(conn, 2, binaryFormats)
	if err != nil {
		return err
	}
	defer rows.Close()
	var failures []string
	for i, field := range rows.FieldDescriptions() {
		if field.Format != pgx.BinaryFormatCode {
			failures = append(failures, fmt.Sprintf("%s: result format %d, not binary", coreTypes[i].column, field.Format))
		}
	}
	destinations := make([]interface{}, len(coreTypes))
	for i, t := range coreTypes {
		destinations[i] = reflect.New(reflect.TypeOf(t.value)).Interface()
	}
	if err := rows.Scan(destinations...); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	for i, t := range coreTypes {
		got := reflect.ValueOf(destinations[i]).Elem().Interface()
		if !sameValue(got, t.value) {
			failures = append(failures, fmt.Sprintf("%s (%s): got %#v want %#v", t.column, t.sqlType, got, t.value))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}

// sameValue compares exactly, with time instants and numerics by value, not by representation.
func sameValue(got, want interface{}) bool {
	switch w := want.(type) {
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	case pgtype.Numeric:
		g, ok := got.(pgtype.Numeric)
		if !ok || g.Status != pgtype.Present {
			return false
		}
		return scaled(g).Cmp(scaled(w)) == 0
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w)
	case pgtype.JSONB:
		g, ok := got.(pgtype.JSONB)
		return ok && g.Status == w.Status && string(g.Bytes) == string(w.Bytes)
	case pgtype.JSON:
		g, ok := got.(pgtype.JSON)
		return ok && g.Status == w.Status && string(g.Bytes) == string(w.Bytes)
	}
	return reflect.DeepEqual(got, want)
}

// scaled returns a numeric as an integer count of 10^-8 units.
func scaled(n pgtype.Numeric) *big.Int {
	value := new(big.Int).Set(n.Int)
	exponent := int64(n.Exp) + 8
	ten := big.NewInt(10)
	if exponent >= 0 {
		return value.Mul(value, new(big.Int).Exp(ten, big.NewInt(exponent), nil))
	}
	return value.Quo(value, new(big.Int).Exp(ten, big.NewInt(-exponent), nil))
}

func nulls(conn *pgx.Conn) error {
	if err := insertTypesRow(conn, 3, func(coreType) interface{} { return nil }); err != nil {
		return err
	}
	rows, err := selectTypesRow(conn, 3)
	if err != nil {
		return err
	}
	defer rows.Close()
	values, err := rows.Values()
	if err != nil {
		return err
	}
	var failures []string
	for i, value := range values {
		if value != nil {
			failures = append(failures, fmt.Sprintf("%s: got %#v, want NULL", coreTypes[i].column, value))
		}
	}
	rows.Close()
	var isNull bool
	var nullText *string
	if err := conn.QueryRow(ctx, "SELECT $1::integer IS NULL, NULL::text", nil).Scan(&isNull, &nullText); err != nil {
		return err
	}
	if !isNull || nullText != nil {
		failures = append(failures, fmt.Sprintf("SELECT $1::integer IS NULL, NULL::text gave %v, %v", isNull, nullText))
	}
	var count int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table("types")+" WHERE c_int4 IS NULL").Scan(&count); err != nil {
		return err
	}
	if count != 1 {
		failures = append(failures, fmt.Sprintf("count of NULL c_int4 rows is %d, want 1", count))
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}
