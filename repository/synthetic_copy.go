package repository

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"time"
)

// The synthetic loader writes COPY's text format itself and hands lib/pq
// whole pieces of it: going through database/sql with a []any per row
// (converting, checking and encoding each value, formatting each time with
// time.Format) cost more Go time than generating the tickets.

// copyPiece is how much COPY text is handed to the driver at a time: the
// server parses a piece while the next one is generated.
const copyPiece = 64 << 10

// rawCopier is lib/pq's COPY statement taking text already in COPY's
// format (copyin.CopyData): line is one or more rows without the last
// newline. Errors of earlier pieces may come with a later call; Close
// ends the COPY and returns any error left.
type rawCopier interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// copyStream writes rows in COPY's text format into one COPY statement.
type copyStream struct {
	ctx context.Context
	cd  rawCopier
	buf []byte
}

// rawCopy runs COPY stmt on conn (in its open transaction) and calls fill,
// which appends rows to s.buf and calls s.flush when it likes. It returns
// the first error of fill or of the COPY.
//
// The error is kept from Raw: given driver.ErrBadConn (a cancelled COPY)
// Raw would close the connection, waiting for the transaction that holds
// it, which waits for us. The transaction's rollback discards a bad
// connection instead.
func rawCopy(ctx context.Context, conn *sql.Conn, stmt string, buf []byte, fill func(s *copyStream) error) ([]byte, error) {
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
func rawCopyOn(ctx context.Context, dc any, stmt string, buf *[]byte, fill func(s *copyStream) error) error {
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
	s := &copyStream{ctx: ctx, cd: cd, buf: (*buf)[:0]}
	err = fill(s)
	if err == nil {
		err = s.send()
	}
	*buf = s.buf
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// flush sends the rows written so far once there are enough of them.
func (s *copyStream) flush() error {
	if len(s.buf) < copyPiece {
		return nil
	}
	return s.send()
}

func (s *copyStream) send() error {
	if len(s.buf) == 0 {
		return nil
	}
	// Rows end in '\n'; CopyData adds the last one itself.
	_, err := s.cd.CopyData(s.ctx, string(s.buf[:len(s.buf)-1]))
	s.buf = s.buf[:0]
	return err
}

// copyEscape returns s as a field of COPY's text format.
func copyEscape(s string) string {
	return string(appendCopyText(nil, s))
}

// appendCopyText appends s as a field of COPY's text format: backslash,
// tab, newline and carriage return escaped.
func appendCopyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendCopyNull appends COPY's NULL.
func appendCopyNull(b []byte) []byte {
	return append(b, '\\', 'N')
}

func appendCopyBool(b []byte, v bool) []byte {
	if v {
		return append(b, 't')
	}
	return append(b, 'f')
}

const decimalDigits = "0123456789"

// append2 appends v (0 to 99) in two digits.
func append2(b []byte, v int) []byte {
	return append(b, decimalDigits[v/10], decimalDigits[v%10])
}

// appendCopyDate appends t's date in its own location: 2026-11-26.
func appendCopyDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = append2(append2(b, y/100), y%100)
	b = append2(append(b, '-'), int(m))
	return append2(append(b, '-'), d)
}

// appendCopyTime appends t as a timestamptz in UTC with its nanoseconds,
// "2026-11-26 03:04:05.678901234+00" (PostgreSQL rounds to microseconds as
// it did for lib/pq's format). A zero time is NULL.
func appendCopyTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return appendCopyNull(b)
	}
	t = t.UTC()
	b = appendCopyDate(b, t)
	h, mi, s := t.Clock()
	b = append2(append(b, ' '), h)
	b = append2(append(b, ':'), mi)
	b = append2(append(b, ':'), s)
	if ns := t.Nanosecond(); ns != 0 {
		b = append(b, '.')
		for div := 100000000; div > 0; div /= 10 {
			b = append(b, decimalDigits[ns/div%10])
		}
	}
	return append(b, '+', '0', '0')
}

// appendCopyFloat appends f exactly (the shortest text that reads back as f).
func appendCopyFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
