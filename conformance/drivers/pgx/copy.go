// COPY FROM STDIN (pgx CopyFrom, binary; and text through pgconn) and COPY TO STDOUT.
package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v4"
)

// copyRows are the rows COPY loads; copyText is how COPY TO prints them.
var copyRows = [][]interface{}{
	{int32(1), "one", mustNumeric("1.50")},
	{int32(2), "tab\there", mustNumeric("-2.00")},
	{int32(3), nil, mustNumeric("1000.25")},
}

// copyIn uses pgx's CopyFrom (binary COPY FROM STDIN), the API pgx users call.
func copyIn(conn *pgx.Conn) error {
	count, err := conn.CopyFrom(ctx, pgx.Identifier{table("copy")}, []string{"id", "label", "amount"}, pgx.CopyFromRows(copyRows))
	if err != nil {
		return err
	}
	if count != int64(len(copyRows)) {
		return fmt.Errorf("CopyFrom reported %d rows, want %d", count, len(copyRows))
	}
	return checkCopyTable(conn)
}

func checkCopyTable(conn *pgx.Conn) error {
	lines, err := collect(conn, "SELECT id, coalesce(label, '<null>'), amount::text FROM "+table("copy")+" ORDER BY id", func(rows pgx.Rows) (string, error) {
		var id int32
		var label, amount string
		err := rows.Scan(&id, &label, &amount)
		return fmt.Sprintf("%d|%s|%s;", id, label, amount), err
	})
	if err != nil {
		return err
	}
	got := strings.Join(lines, "")
	if want := "1|one|1.50;2|tab\there|-2.00;3|<null>|1000.25;"; got != want {
		return fmt.Errorf("table after COPY: %q, want %q", got, want)
	}
	return nil
}

// copyInText loads the same rows with text-format COPY FROM STDIN through pgconn.
func copyInText(conn *pgx.Conn) error {
	if err := exec(conn, "DELETE FROM "+table("copy")); err != nil {
		return err
	}
	tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(copyText), "COPY "+table("copy")+" (id, label, amount) FROM STDIN")
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 3 {
		return fmt.Errorf("command tag %q, want COPY 3", tag)
	}
	return checkCopyTable(conn)
}

// seedCopyTable puts the COPY rows in place with plain INSERTs, so that copy_out does not
// depend on copy_in having passed.
func seedCopyTable(conn *pgx.Conn) error {
	if err := exec(conn, "DELETE FROM "+table("copy")); err != nil {
		return err
	}
	for _, row := range copyRows {
		if err := exec(conn, "INSERT INTO "+table("copy")+" (id, label, amount) VALUES ($1, $2, $3)", row...); err != nil {
			return err
		}
	}
	return nil
}

func copyOut(conn *pgx.Conn) error {
	if err := seedCopyTable(conn); err != nil {
		return err
	}
	for _, sql := range []string{
		"COPY " + table("copy") + " TO STDOUT",
		"COPY (SELECT id, label, amount FROM " + table("copy") + " ORDER BY id) TO STDOUT",
	} {
		var out bytes.Buffer
		tag, err := conn.PgConn().CopyTo(ctx, &out, sql)
		if err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
		if out.String() != copyText {
			return fmt.Errorf("%s: got %q, want %q", sql, out.String(), copyText)
		}
		if tag.RowsAffected() != 3 {
			return fmt.Errorf("%s: command tag %q, want COPY 3", sql, tag)
		}
	}
	return nil
}
