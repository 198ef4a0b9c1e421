package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// BulkLoad is the repository's one COPY primitive, for loaders that write
// COPY's text format themselves (internal/synthetic) and hand lib/pq whole
// pieces of it: going through database/sql with a []any per row
// (converting, checking and encoding each value, formatting each time with
// time.Format) cost more Go time than generating the rows.

// CopyPiece is how much COPY text is handed to the driver at a time: the
// server parses a piece while the next one is generated.
const CopyPiece = 64 << 10

// rawCopier is lib/pq's COPY statement taking text already in COPY's
// format (copyin.CopyData): line is one or more rows without the last
// newline. Errors of earlier pieces may come with a later call; Close
// ends the COPY and returns any error left.
type rawCopier interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// CopyStream writes rows in COPY's text format into one COPY statement:
// the loader appends whole rows, each ending in a newline, to Buf.
type CopyStream struct {
	ctx context.Context
	cd  rawCopier
	Buf []byte
}

// rawCopy runs COPY stmt on conn (in its open transaction) and calls fill,
// which appends rows to s.Buf and calls s.Flush when it likes. It returns
// the first error of fill or of the COPY.
//
// The error is kept from Raw: given driver.ErrBadConn (a cancelled COPY)
// Raw would close the connection, waiting for the transaction that holds
// it, which waits for us. The transaction's rollback discards a bad
// connection instead.
func rawCopy(ctx context.Context, conn *sql.Conn, stmt string, buf []byte, fill func(s *CopyStream) error) ([]byte, error) {
	var copyErr error
	err := conn.Raw(func(dc any) error {
		copyErr = rawCopyOn(ctx, dc, stmt, &buf, fill)
		return nil
	})
	if err == nil {
		err = copyErr
	}
	return buf, err
}

// rawCopyOn is rawCopy on the driver's connection dc; buf is the buffer
// to reuse, and to keep for the next call.
func rawCopyOn(ctx context.Context, dc any, stmt string, buf *[]byte, fill func(s *CopyStream) error) error {
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return errors.New("copy: the driver cannot prepare with a context")
	}
	st, err := pc.PrepareContext(ctx, stmt)
	if err != nil {
		return err
	}
	cd, ok := st.(rawCopier)
	if !ok {
		st.Close()
		return errors.New("copy: the driver takes no raw COPY data")
	}
	s := &CopyStream{ctx: ctx, cd: cd, Buf: (*buf)[:0]}
	err = fill(s)
	if err == nil {
		err = s.Send()
	}
	*buf = s.Buf
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// Flush sends the rows written so far once there are enough of them.
func (s *CopyStream) Flush() error {
	if len(s.Buf) < CopyPiece {
		return nil
	}
	return s.Send()
}

// Send sends the rows written so far. It returns the COPY's error, which
// may be an earlier piece's.
func (s *CopyStream) Send() error {
	if len(s.Buf) == 0 {
		return nil
	}
	// Rows end in '\n'; CopyData adds the last one itself.
	_, err := s.cd.CopyData(s.ctx, string(s.Buf[:len(s.Buf)-1]))
	s.Buf = s.Buf[:0]
	return err
}

// BulkLoad is COPY streams, each a connection in a transaction of its own,
// committed together (Commit) or rolled back together (Close).
type BulkLoad struct {
	conns []*sql.Conn
	txs   []*sql.Tx
}

// BeginBulkLoad opens n COPY streams. Each transaction sets
// gin_pending_list_limit to pendingList (the search indexes' pending
// entries a bulk load leaves for the VACUUM after it), when not empty. It
// returns the database's error, having opened nothing.
func (s *Store) BeginBulkLoad(ctx context.Context, n int, pendingList string) (*BulkLoad, error) {
	b := &BulkLoad{}
	for range n {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			b.Close()
			return nil, mapError(err, "")
		}
		b.conns = append(b.conns, conn)
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			b.Close()
			return nil, mapError(err, "")
		}
		b.txs = append(b.txs, tx)
		if pendingList != "" {
			if _, err := tx.ExecContext(ctx, "SET LOCAL gin_pending_list_limit = "+pq.QuoteLiteral(pendingList)); err != nil {
				b.Close()
				return nil, mapError(err, "")
			}
		}
	}
	return b, nil
}

// Copy runs COPY table (columns) FROM STDIN on stream i, filled by fill
// (see rawCopy); buf is the buffer to reuse and is returned for the next
// call. It returns the first error of fill or of the COPY, mapped.
func (b *BulkLoad) Copy(ctx context.Context, i int, table string, columns []string, buf []byte, fill func(s *CopyStream) error) ([]byte, error) {
	quoted := make([]string, len(columns))
	for j, c := range columns {
		quoted[j] = pq.QuoteIdentifier(c)
	}
	stmt := "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
	buf, err := rawCopy(ctx, b.conns[i], stmt, buf, fill)
	return buf, mapError(err, "")
}

// Commit commits every stream, in order. It returns the first error.
func (b *BulkLoad) Commit() error {
	for _, tx := range b.txs {
		if err := tx.Commit(); err != nil {
			return mapError(err, "")
		}
	}
	return nil
}

// Close rolls back what was not committed and gives the connections back.
func (b *BulkLoad) Close() {
	for i, conn := range b.conns {
		if i < len(b.txs) {
			b.txs[i].Rollback() //nolint:errcheck // after Commit it is a no-op
		}
		conn.Close() //nolint:errcheck // closing a pool's connection returns it
	}
	b.conns, b.txs = nil, nil
}

// ReserveTicketIDs takes n consecutive ids from the tickets' sequence and
// returns the first. The table lock keeps other writers from drawing an id
// between nextval and setval; it lasts only this short transaction.
func (s *Store) ReserveTicketIDs(ctx context.Context, n int) (int64, error) {
	var first int64
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return mapError(err, "")
		}
		if err := tx.GetContext(ctx, &first, "SELECT nextval(pg_get_serial_sequence('tickets', 'id'))"); err != nil {
			return mapError(err, "")
		}
		if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('tickets', 'id'), $1)",
			first+int64(n)-1); err != nil {
			return mapError(err, "")
		}
		return nil
	})
	return first, err
}

// SearchVectors returns the search vector (as text) of each title and
// body, folded by the function the tickets' triggers use.
func (s *Store) SearchVectors(ctx context.Context, titles, bodies []string) ([]string, error) {
	var vectors []string
	if err := s.db.SelectContext(ctx, &vectors, `SELECT ticket_search_vector(x.title, x.body)::text
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(title, body, n) ORDER BY x.n`,
		pq.Array(titles), pq.Array(bodies)); err != nil {
		return nil, mapError(err, "")
	}
	if len(vectors) != len(titles) {
		return nil, fmt.Errorf("search vectors: %d for %d texts", len(vectors), len(titles))
	}
	return vectors, nil
}

// VacuumTickets runs VACUUM (ANALYZE) on tickets and their events: what
// autovacuum would do soon after a bulk load.
func (s *Store) VacuumTickets(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "VACUUM (ANALYZE) tickets, ticket_events"); err != nil {
		return mapError(err, "")
	}
	return nil
}
