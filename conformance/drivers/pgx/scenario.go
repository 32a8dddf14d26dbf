// The scenario steps that need only a connection: DDL, parameters, streaming, transactions,
// prepared statements, errors, cancel and catalog introspection.
package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

func ddl(conn *pgx.Conn) error {
	for _, name := range []string{"items", "types", "copy"} {
		if err := exec(conn, "DROP TABLE IF EXISTS "+table(name)); err != nil {
			return err
		}
	}
	statements := []string{
		"CREATE TABLE " + table("items") + " (id integer PRIMARY KEY, name text NOT NULL, score double precision, created date)",
		"CREATE INDEX " + table("items_name_idx") + " ON " + table("items") + " (name)",
		"CREATE TABLE " + table("types") + " (id integer PRIMARY KEY, " + typeColumns() + ")",
		"CREATE TABLE " + table("copy") + " (id integer PRIMARY KEY, label text, amount numeric(10,2))",
	}
	for _, statement := range statements {
		if err := exec(conn, statement); err != nil {
			return err
		}
	}
	var count int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table("items")).Scan(&count); err != nil {
		return err
	}
	if count != 0 {
		return fmt.Errorf("new table has %d rows", count)
	}
	return nil
}

// item is one row of the items table.
type item struct {
	id      int32
	name    string
	score   float64
	created time.Time
}

var items = []item{
	{1, "alpha", 1.5, time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)},
	{2, "beta", -2.25, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
	{3, "gamma 'quoted'", 1e10, time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)},
}

func insertParams(conn *pgx.Conn) error {
	for _, row := range items {
		tag, err := conn.Exec(ctx, "INSERT INTO "+table("items")+" (id, name, score, created) VALUES ($1, $2, $3, $4)",
			row.id, row.name, row.score, row.created)
		if err != nil {
			return fmt.Errorf("insert %d: %w", row.id, err)
		}
		if tag.RowsAffected() != 1 || !tag.Insert() {
			return fmt.Errorf("insert %d: command tag %q", row.id, tag)
		}
	}
	for _, want := range items {
		var got item
		err := conn.QueryRow(ctx, "SELECT id, name, score, created FROM "+table("items")+" WHERE id = $1", want.id).
			Scan(&got.id, &got.name, &got.score, &got.created)
		if err != nil {
			return fmt.Errorf("select %d: %w", want.id, err)
		}
		if got.id != want.id || got.name != want.name || got.score != want.score || !got.created.Equal(want.created) {
			return fmt.Errorf("row %d: got %+v, want %+v", want.id, got, want)
		}
	}
	return nil
}

func stream100k(conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, "SELECT g.i, 'row ' || g.i FROM generate_series(1, 100000) AS g(i)")
	if err != nil {
		return err
	}
	defer rows.Close()
	var count, sum int64
	for rows.Next() {
		var i int64
		var label string
		if err := rows.Scan(&i, &label); err != nil {
			return err
		}
		if label != fmt.Sprintf("row %d", i) {
			return fmt.Errorf("row %d labelled %q", i, label)
		}
		count++
		sum += i
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if count != 100000 || sum != 5000050000 {
		return fmt.Errorf("got %d rows summing to %d, want 100000 summing to 5000050000", count, sum)
	}
	return nil
}

func countItems(conn *pgx.Conn) (int64, error) {
	var count int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table("items")).Scan(&count)
	return count, err
}

func transactionRollback(conn *pgx.Conn) error {
	before, err := countItems(conn)
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+table("items")+" (id, name) VALUES ($1, $2)", int32(50), "rolled back"); err != nil {
		return err
	}
	var inside int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+table("items")).Scan(&inside); err != nil {
		return err
	}
	if err := tx.Rollback(ctx); err != nil {
		return err
	}
	after, err := countItems(conn)
	if err != nil {
		return err
	}
	if inside != before+1 || after != before {
		return fmt.Errorf("counts before/inside/after rollback: %d/%d/%d", before, inside, after)
	}
	tx, err = conn.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+table("items")+" (id, name) VALUES ($1, $2)", int32(51), "committed"); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	if committed, err := countItems(conn); err != nil || committed != before+1 {
		return fmt.Errorf("after commit: %d rows (%v), want %d", committed, err, before+1)
	}
	return nil
}

func failedTransaction(conn *pgx.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	insert := "INSERT INTO " + table("items") + " (id, name) VALUES ($1, $2)"
	if _, err := tx.Exec(ctx, insert, int32(60), "first"); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, insert, int32(60), "duplicate")
	if err := expectState("duplicate insert", err, "23505"); err != nil {
		return err
	}
	var one int32
	err = tx.QueryRow(ctx, "SELECT 1").Scan(&one)
	if err := expectState("statement after the error", err, "25P02"); err != nil {
		return err
	}
	if status := conn.PgConn().TxStatus(); status != 'E' {
		return fmt.Errorf("transaction status %q, want 'E'", status)
	}
	if err := tx.Rollback(ctx); err != nil {
		return err
	}
	if status := conn.PgConn().TxStatus(); status != 'I' {
		return fmt.Errorf("after ROLLBACK, transaction status %q, want 'I'", status)
	}
	var kept int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table("items")+" WHERE id = 60").Scan(&kept); err != nil {
		return err
	}
	if kept != 0 {
		return fmt.Errorf("the failed transaction's first insert survived ROLLBACK (%d rows)", kept)
	}
	return nil
}

func savepoints(conn *pgx.Conn) error {
	statements := []struct {
		sql  string
		code string
	}{
		{"BEGIN", ""},
		{"INSERT INTO " + table("items") + " (id, name) VALUES (100, 'kept')", ""},
		{"SAVEPOINT s1", ""},
		{"INSERT INTO " + table("items") + " (id, name) VALUES (101, 'undone')", ""},
		{"ROLLBACK TO SAVEPOINT s1", ""},
		{"SAVEPOINT s2", ""},
		{"INSERT INTO " + table("items") + " (id, name) VALUES (100, 'duplicate')", "23505"},
		{"ROLLBACK TO SAVEPOINT s2", ""},
		{"INSERT INTO " + table("items") + " (id, name) VALUES (102, 'after error')", ""},
		{"RELEASE SAVEPOINT s1", ""},
		{"COMMIT", ""},
	}
	for _, statement := range statements {
		_, err := conn.Exec(ctx, statement.sql)
		if statement.code != "" {
			if err := expectState(statement.sql, err, statement.code); err != nil {
				conn.Exec(ctx, "ROLLBACK")
				return err
			}
		} else if err != nil {
			conn.Exec(ctx, "ROLLBACK")
			return fmt.Errorf("%s: %w", statement.sql, err)
		}
	}
	got, err := collect(conn, "SELECT id, name FROM "+table("items")+" WHERE id >= 100 ORDER BY id", func(rows pgx.Rows) (string, error) {
		var id int32
		var name string
		err := rows.Scan(&id, &name)
		return fmt.Sprintf("%d:%s", id, name), err
	})
	if err != nil {
		return err
	}
	if want := "100:kept,102:after error"; strings.Join(got, ",") != want {
		return fmt.Errorf("rows %v, want %s", got, want)
	}
	return nil
}

// preparedReuse runs a named prepared statement and pgx's cached (automatically prepared)
// statement many times past any auto-prepare threshold, checking every result.
func preparedReuse(conn *pgx.Conn) error {
	query := "SELECT name, score FROM " + table("items") + " WHERE id = $1"
	if _, err := conn.Prepare(ctx, "pgx_item_by_id", query); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	for round := 0; round < 12; round++ {
		want := items[round%len(items)]
		for _, sql := range []string{"pgx_item_by_id", query + " AND true"} {
			var name string
			var score float64
			if err := conn.QueryRow(ctx, sql, want.id).Scan(&name, &score); err != nil {
				return fmt.Errorf("round %d (%s): %w", round, sql, err)
			}
			if name != want.name || score != want.score {
				return fmt.Errorf("round %d (%s): got %q %v, want %q %v", round, sql, name, score, want.name, want.score)
			}
		}
	}
	if err := conn.Deallocate(ctx, "pgx_item_by_id"); err != nil {
		return fmt.Errorf("deallocate: %w", err)
	}
	return nil
}

func errorSQLState(conn *pgx.Conn) error {
	if err := exec(conn, "INSERT INTO "+table("items")+" (id, name) VALUES (70, 'seventy')"); err != nil {
		return err
	}
	cases := []struct {
		sql, code string
		args      []interface{}
	}{
		{"INSERT INTO " + table("items") + " (id, name) VALUES ($1, $2)", "23505", []interface{}{int32(70), "duplicate"}},
		{"INSERT INTO " + table("items") + " (id) VALUES (200)", "23502", nil},
		{"SELECT * FROM " + table("no_such_table"), "42P01", nil},
		{"SELECT no_such_column FROM " + table("items"), "42703", nil},
		{"SELEC 1", "42601", nil},
		{"SELECT 1 / 0", "22012", nil},
		{"SELECT 'abc'::integer", "22P02", nil},
	}
	var failures []string
	for _, c := range cases {
		_, err := conn.Exec(ctx, c.sql, c.args...)
		if problem := expectState(c.sql, err, c.code); problem != nil {
			failures = append(failures, problem.Error())
		}
	}
	if err := selectOne(conn); err != nil {
		failures = append(failures, "after the errors: "+err.Error())
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}

// longQuery takes minutes on PostgreSQL and SQLite alike, without writing anything to disk.
const longQuery = "SELECT count(*) FROM generate_series(1, 100000) AS a(i), generate_series(1, 100000) AS b(j) WHERE a.i + b.j = 3"

func cancel(conn *pgx.Conn) error {
	done := make(chan error, 1)
	started := time.Now()
	go func() {
		var count int64
		done <- conn.QueryRow(ctx, longQuery).Scan(&count)
	}()
	time.Sleep(time.Second)
	if err := conn.PgConn().CancelRequest(ctx); err != nil {
		return fmt.Errorf("cancel request: %w", err)
	}
	select {
	case err := <-done:
		if problem := expectState("cancelled query", err, "57014"); problem != nil {
			return problem
		}
	case <-time.After(30 * time.Second):
		return errors.New("query still running 30 s after the cancel request")
	}
	if elapsed := time.Since(started); elapsed > 20*time.Second {
		return fmt.Errorf("cancel took %v", elapsed)
	}
	return selectOne(conn)
}

// introspection reads the catalog the way pgx and psql do (pgx has no metadata API): columns with
// format_type from pg_attribute, the primary key and the index from pg_index.
func introspection(conn *pgx.Conn) error {
	columns, err := collect(conn, `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $1 AND n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`, func(rows pgx.Rows) (string, error) {
		var name, typ string
		var notNull bool
		err := rows.Scan(&name, &typ, &notNull)
		return fmt.Sprintf("%s %s %v", name, typ, notNull), err
	}, table("items"))
	if err != nil {
		return err
	}
	want := "id integer true, name text true, score double precision false, created date false"
	if strings.Join(columns, ", ") != want {
		return fmt.Errorf("columns: %q, want %q", strings.Join(columns, ", "), want)
	}
	indexes, err := collect(conn, `SELECT i.relname, x.indisprimary, x.indisunique
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
WHERE t.relname = $1
ORDER BY x.indisprimary DESC, i.relname`, func(rows pgx.Rows) (string, error) {
		var name string
		var primary, unique bool
		err := rows.Scan(&name, &primary, &unique)
		return fmt.Sprintf("%s primary=%v unique=%v", name, primary, unique), err
	}, table("items"))
	if err != nil {
		return err
	}
	if len(indexes) != 2 || !strings.HasSuffix(indexes[0], "primary=true unique=true") ||
		indexes[1] != table("items_name_idx")+" primary=false unique=false" {
		return fmt.Errorf("indexes: %v, want the primary key and %s", indexes, table("items_name_idx"))
	}
	var oid uint32
	if err := conn.QueryRow(ctx, "SELECT oid FROM pg_catalog.pg_type WHERE typname = $1", "int4").Scan(&oid); err != nil {
		return fmt.Errorf("pg_type lookup: %w", err)
	}
	if oid != pgtype.Int4OID {
		return fmt.Errorf("pg_type int4 oid %d, want %d", oid, pgtype.Int4OID)
	}
	return nil
}

// batch sends several queries in one round trip (pgx's pipeline API).
func batch(conn *pgx.Conn) error {
	b := &pgx.Batch{}
	for _, row := range items {
		b.Queue("SELECT name FROM "+table("items")+" WHERE id = $1", row.id)
	}
	b.Queue("SELECT count(*) FROM " + table("items"))
	results := conn.SendBatch(ctx, b)
	defer results.Close()
	for _, row := range items {
		var name string
		if err := results.QueryRow().Scan(&name); err != nil {
			return err
		}
		if name != row.name {
			return fmt.Errorf("batch row %d: %q, want %q", row.id, name, row.name)
		}
	}
	var count int64
	if err := results.QueryRow().Scan(&count); err != nil {
		return err
	}
	if count < int64(len(items)) {
		return fmt.Errorf("batch count %d", count)
	}
	return results.Close()
}
