package repository

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"caunoi/domain"
)

// The first step of an inbound flush stores the usual messages, those that
// make a new ticket, in one round trip, as intake's one statement does: a
// transaction of its own (BEGIN, the locks, the insert, COMMIT) would be
// four, each a wake-up of this process and of the database's on a small
// machine, and each flush waits for the one before.
//
// The round trip is one simple query of two statements (after the plans'
// setting, firstStepPlans), which PostgreSQL runs as one implicit
// transaction and commits before it answers:
//
//	SET LOCAL plan_cache_mode = force_generic_plan;
//	EXECUTE caunoi_inbound_lock('{…}', '{…}');
//	EXECUTE caunoi_inbound_first('{…}', …)
//
// the senders' advisory locks (lockInbound), then newTicketsInsert. Each
// statement of a simple query reads with a snapshot taken when it starts,
// so the insert sees whatever the locks' earlier holders committed. A
// simple query has no parameters: the arrays (as the prepared statements
// take them) are written into it as quoted literals (pq.QuoteLiteral), and
// the statements are prepared on the session (PREPARE), once per
// connection, so that they are not planned each time. A connection that
// has not prepared them answers 26000 (no such prepared statement),
// nothing is done, and the query is sent again after the PREPAREs.

// newTicketsInsert is insertBatch that inserts only the rows whose message
// did not join a ticket before and whose sender has no open ticket on the
// channel of the unit with a message within domain.ThreadWindow
// (inboundStates' conditions, on the row's own columns); a message that
// made a ticket before is skipped by the statement's ON CONFLICT. The
// conditions are scalar subqueries, as in inboundStates, so that each is an
// index probe per row: written as NOT EXISTS they became anti-joins, and on
// a table the statistics still thought small the prepared (generic) plan
// hashed all of tickets every flush.
var newTicketsInsert = mustReplace(insertBatch, "\n\tFROM i\n\tON CONFLICT DO NOTHING\n", `
	FROM i
	WHERE (SELECT x.ticket_id FROM ticket_events x WHERE x.channel = i.channel AND x.external_id = i.external_id) IS NULL
	  AND (SELECT x.id FROM tickets x
		WHERE i.citizen_external_id <> '' AND x.citizen_external_id <> '' AND x.unit_id = i.unit_id
		  AND x.citizen_external_id = i.citizen_external_id AND x.channel = i.channel
		  AND x.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') AND x.merged_into IS NULL
		  AND x.last_citizen_at > i.created_at - interval '`+strconv.FormatInt(int64(domain.ThreadWindow/time.Second), 10)+` seconds'
		LIMIT 1) IS NULL
	ON CONFLICT DO NOTHING
`)

// firstStepPlans starts the first step's query: its statements run with
// their generic plans, made once per connection. Left to choose, PostgreSQL
// planned the insert again for every flush (a custom plan looks cheaper for
// a batch of two or three rows than the generic plan's guess of the arrays'
// length), and planning that statement cost more database time than running
// it. The generic plan is safe here: each condition is an index probe per
// row whatever the arrays hold (see newTicketsInsert). SET LOCAL ends with
// the query's implicit transaction, so the connection's other queries are
// planned as before.
const firstStepPlans = "SET LOCAL plan_cache_mode = force_generic_plan;\n"

// The session's prepared statements of the first step (their names are
// not lib/pq's, which are numbers).
var firstStepStatements = []struct{ name, query string }{
	{"caunoi_inbound_lock", lockInbound},
	{"caunoi_inbound_first", newTicketsInsert},
}

// mustReplace returns s with old replaced by new, once; it panics (at
// start-up) when s does not hold old once.
func mustReplace(s, old, new string) string {
	if strings.Count(s, old) != 1 {
		panic(fmt.Sprintf("repository: %q is not once in the statement", old))
	}
	return strings.Replace(s, old, new, 1)
}

// storeFirst stores, in one round trip, the new tickets of the first
// message of each sender (and of each message without a sender) when the
// message was not taken before and its sender has no open ticket, and
// answers those calls once committed. It returns the calls it did not
// answer, in order: a sender's later messages, those with attachments
// (stored with their ticket by the transaction), and whatever the
// statement did not insert (a follow-up, a redelivery, a tracking code
// that collided). On error it has answered none and nothing is committed,
// unless the error is the connection's (then the platform's redelivery
// finds what was).
func (b *inboundBatcher) storeFirst(ctx context.Context, calls []*inboundCall) ([]*inboundCall, error) {
	first, rows := firstMessages(calls)
	if len(rows) == 0 {
		return calls, nil
	}
	b.s.intake().drawCodes(rows, true)
	lock, insert := lockArgs(first), batchArgs(rows)
	q := make([]byte, 0, 128+literalsSize(lock)+literalsSize(insert))
	q = append(q, firstStepPlans+"EXECUTE caunoi_inbound_lock("...)
	q = append(appendLiterals(q, lock), ");\nEXECUTE caunoi_inbound_first("...)
	q = append(appendLiterals(q, insert), ')')
	if bytes.IndexByte(q, 0) >= 0 {
		return calls, nil // a NUL cannot be written in a query: the transaction sends it as a parameter
	}
	inserted, err := b.runFirst(ctx, string(q))
	if err != nil {
		return nil, err
	}
	made := make(map[*inboundCall]bool, len(inserted))
	for i, c := range first {
		if id, ok := inserted[rows[i].row.code]; ok {
			c.res, c.err = domain.InboundResult{Outcome: domain.InboundCreated, TicketID: id}, nil
			made[c] = true
		}
	}
	b.storedFirst.Add(int64(len(made)))
	rest := calls[:0:0]
	for _, c := range calls {
		if !made[c] {
			rest = append(rest, c)
		}
	}
	return rest, nil
}

// firstMessages returns the calls whose message the first step may store,
// with their tickets' rows: the first message of each sender, and each
// message without a sender, but for those with attachments.
func firstMessages(calls []*inboundCall) ([]*inboundCall, []*intakeCall) {
	var first []*inboundCall
	var rows []*intakeCall
	senders := map[string]bool{}
	for _, c := range calls {
		if c.in.SenderID != "" {
			k := threadKey(c)
			if senders[k] {
				continue
			}
			senders[k] = true
		}
		if c.row == nil { // attachments
			continue
		}
		if c.fi.Citizen.ExternalID != c.in.SenderID {
			continue // cut to the column's length: inboundStates compares the whole id
		}
		first = append(first, c)
		rows = append(rows, &intakeCall{row: *c.row})
	}
	return first, rows
}

// runFirst runs the first step's query on one connection, preparing its
// statements there when they are not, and returns the inserted tickets'
// ids by tracking code, once the query's transaction has committed.
func (b *inboundBatcher) runFirst(ctx context.Context, query string) (map[string]int64, error) {
	conn, err := b.s.db.Conn(ctx)
	if err != nil {
		return nil, mapError(err, "")
	}
	defer conn.Close()
	inserted, err := queryFirst(ctx, conn, query)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "26000" { // invalid_sql_statement_name: not prepared here
		for _, st := range firstStepStatements {
			_, err := conn.ExecContext(ctx, "PREPARE "+st.name+" AS "+st.query)
			if err != nil && !(errors.As(err, &pqErr) && pqErr.Code == "42P05") { // duplicate_prepared_statement
				return nil, fmt.Errorf("prepare %s: %w", st.name, mapError(err, ""))
			}
		}
		inserted, err = queryFirst(ctx, conn, query)
	}
	if err != nil {
		return nil, mapError(err, "")
	}
	return inserted, nil
}

// queryFirst runs query (the locks' statement, then the insert's) and
// reads the insert's rows to the end of the answer, which carries the
// commit's outcome.
func queryFirst(ctx context.Context, conn *sql.Conn, query string) (map[string]int64, error) {
	res, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() { // the locks' rows
	}
	if !res.NextResultSet() {
		if err := res.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("store new tickets: no answer after the locks")
	}
	inserted := map[string]int64{}
	for res.Next() {
		var id int64
		var code string
		if err := res.Scan(&id, &code); err != nil {
			return nil, err
		}
		inserted[code] = id
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	return inserted, res.Close()
}

// appendLiterals appends args, each a string, as the quoted literals of an
// EXECUTE's parameters, separated by commas: each as pq.QuoteLiteral
// writes it, without the three copies of the batch's text that quoting
// each apart, then joining them, made.
func appendLiterals(q []byte, args []any) []byte {
	for i, a := range args {
		if i > 0 {
			q = append(q, ", "...)
		}
		q = appendQuoted(q, a.(string))
	}
	return q
}

// literalsSize is about the length appendLiterals adds for args.
func literalsSize(args []any) int {
	n := 0
	for _, a := range args {
		n += len(a.(string)) + len(a.(string))/8 + 6
	}
	return n
}

// appendQuoted appends s as pq.QuoteLiteral quotes it: quotes doubled, and
// when s holds a backslash, backslashes doubled in an E'…' string, which
// reads the same whatever standard_conforming_strings says.
func appendQuoted(q []byte, s string) []byte {
	if strings.IndexByte(s, '\\') >= 0 {
		q = append(q, " E'"...)
	} else {
		q = append(q, '\'')
	}
	for {
		i := strings.IndexAny(s, `'\`)
		if i < 0 {
			break
		}
		q = append(append(q, s[:i]...), s[i], s[i])
		s = s[i+1:]
	}
	return append(append(q, s...), '\'')
}

// threadKey is the identity of a message's sender within the unit and the
// channel (the advisory lock's key is a hash of it).
func threadKey(c *inboundCall) string {
	return strconv.FormatInt(c.acc.UnitID, 10) + "\x00" + string(c.in.Channel) + "\x00" + c.in.SenderID
}
