// The driver conformance scenario for Go's pgx v4 (Debian's golang-github-jackc-pgx-v4-dev, GOPATH
// mode), run by conformance/drivers/run.py through run.sh. It reads the PGBRIDGE_DRIVER_* variables
// and prints one JSON line per step: {"step", "status", "detail"}.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
)

// prefix starts the name of every table this client creates (PGBRIDGE_DRIVER_TABLE_PREFIX).
var prefix = envOr("PGBRIDGE_DRIVER_TABLE_PREFIX", "pgx_")

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

// table returns a prefixed table name.
func table(name string) string { return prefix + name }

// notApplicable marks a step that cannot run for a reason outside pgbridge.
type notApplicable struct{ reason string }

func (n notApplicable) Error() string { return n.reason }

func report(step, status, detail string) {
	line, _ := json.Marshal(map[string]string{"step": step, "status": status, "detail": detail})
	fmt.Println(string(line))
}

// run executes one step and reports it; a panic is a failure of that step only.
func run(step string, body func() error) {
	err := func() (err error) {
		defer func() {
			if recovered := recover(); recovered != nil {
				err = fmt.Errorf("panic: %v", recovered)
			}
		}()
		return body()
	}()
	var na notApplicable
	switch {
	case err == nil:
		report(step, "pass", "")
	case errors.As(err, &na):
		report(step, "n/a", na.reason)
	default:
		report(step, "fail", err.Error())
	}
}

// sqlState returns the SQLSTATE of a server error, or "" with the error text.
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// expectState checks that err is a server error with the given SQLSTATE.
func expectState(what string, err error, code string) error {
	if err == nil {
		return fmt.Errorf("%s: expected SQLSTATE %s, got success", what, code)
	}
	if got := sqlState(err); got != code {
		return fmt.Errorf("%s: expected SQLSTATE %s, got %q (%v)", what, code, got, err)
	}
	return nil
}

var ctx = context.Background()

func connect(dsn string) (*pgx.Conn, error) {
	timeout, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return pgx.Connect(timeout, dsn)
}

// selectOne checks that a connection answers `SELECT 1`.
func selectOne(conn *pgx.Conn) error {
	var one int32
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("SELECT 1: %w", err)
	}
	if one != 1 {
		return fmt.Errorf("SELECT 1 returned %d", one)
	}
	return nil
}

// passwordAuth connects with a password DSN, then checks that a wrong password is refused with
// 28P01, so that the step proves the server really asks for the password.
func passwordAuth(variable string) error {
	dsn := os.Getenv(variable)
	if dsn == "" {
		return notApplicable{variable + " not provided by the runner for this target"}
	}
	conn, err := connect(dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if err := selectOne(conn); err != nil {
		return err
	}
	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	config.Password = config.Password + "-wrong"
	bad, err := pgx.ConnectConfig(ctx, config)
	if err == nil {
		bad.Close(ctx)
		return errors.New("a wrong password was accepted")
	}
	return expectState("wrong password", err, "28P01")
}

func connectTLS() error {
	dsn := os.Getenv("PGBRIDGE_DRIVER_TLS_DSN")
	if dsn == "" {
		return notApplicable{"PGBRIDGE_DRIVER_TLS_DSN not provided by the runner for this target"}
	}
	if ca := os.Getenv("PGBRIDGE_DRIVER_CA"); ca != "" {
		dsn = strings.Replace(dsn, "sslmode=require", "sslmode=verify-ca", 1)
		separator := "&"
		if !strings.Contains(dsn, "?") {
			separator = "?"
		}
		dsn += separator + "sslrootcert=" + ca
	}
	conn, err := connect(dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
		return fmt.Errorf("connection is not TLS: %T", conn.PgConn().Conn())
	}
	return selectOne(conn)
}

func exec(conn *pgx.Conn, sql string, args ...interface{}) error {
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// collect runs a query and formats each row with format, closing the rows and returning any error.
func collect(conn *pgx.Conn, sql string, format func(pgx.Rows) (string, error), args ...interface{}) ([]string, error) {
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		line, err := format(rows)
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	return lines, rows.Err()
}

const copyText = "1\tone\t1.50\n2\ttab\\there\t-2.00\n3\t\\N\t1000.25\n"

func main() {
	dsn := os.Getenv("PGBRIDGE_DRIVER_DSN")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "PGBRIDGE_DRIVER_DSN is not set")
		os.Exit(2)
	}
	var conn *pgx.Conn
	run("connect_trust", func() error {
		var err error
		if conn, err = connect(dsn); err != nil {
			return err
		}
		if conn.PgConn().ParameterStatus("server_version") == "" {
			return errors.New("no server_version parameter")
		}
		var version string
		if err := conn.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
			return err
		}
		if !strings.HasPrefix(version, "PostgreSQL ") {
			return fmt.Errorf("version() is %q, not PostgreSQL ...", version)
		}
		return selectOne(conn)
	})
	run("connect_md5", func() error { return passwordAuth("PGBRIDGE_DRIVER_MD5_DSN") })
	run("connect_scram", func() error { return passwordAuth("PGBRIDGE_DRIVER_SCRAM_DSN") })
	run("connect_tls", connectTLS)
	steps := []struct {
		id   string
		body func(*pgx.Conn) error
	}{
		{"ddl", ddl},
		{"insert_params", insertParams},
		{"types_text", typesText},
		{"types_binary", typesBinary},
		{"nulls", nulls},
		{"stream_100k", stream100k},
		{"transaction_rollback", transactionRollback},
		{"failed_transaction_25P02", failedTransaction},
		{"savepoints", savepoints},
		{"prepared_reuse", preparedReuse},
		{"error_sqlstate", errorSQLState},
		{"copy_in", copyIn},
		{"copy_out", copyOut},
		{"cancel", cancel},
		{"introspection", introspection},
		{"copy_in_text", copyInText},
		{"batch", batch},
	}
	for _, step := range steps {
		run(step.id, func() error {
			if conn == nil || conn.IsClosed() {
				fresh, err := connect(dsn)
				if err != nil {
					return fmt.Errorf("no connection: %w", err)
				}
				conn = fresh
			}
			return step.body(conn)
		})
	}
	if conn != nil {
		conn.Close(ctx)
	}
}
