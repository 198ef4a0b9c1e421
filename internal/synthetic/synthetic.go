// Package synthetic makes realistic tickets in bulk for the benchmark and
// for trying the product at a province's size: routed by each unit's
// rules, due on its calendar, in statuses that follow their age, written
// with repository.BulkLoad (COPY).
package synthetic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"caunoi/domain"
	"caunoi/repository"
)

// Message is a citizen's message that synthetic tickets vary on.
type Message struct {
	Title string
	Body  string
}

// Spec says what Load makes: N tickets spread over the
// Days before Now across Units (commune-level unit ids), their text drawn
// from Messages with variations. The same Seed makes the same tickets.
type Spec struct {
	N        int
	Days     int
	Now      time.Time
	Units    []int64
	Messages []Message
	Seed     uint64
	Workers  int // COPY streams; 2 when 0
}

// Result is what Load stored and how long it took.
type Result struct {
	Tickets  int
	Events   int
	Routes   int           // routing decisions computed (the rest came from the cache)
	Elapsed  time.Duration // the load: generating, copying, committing
	Vacuum   time.Duration // VACUUM (ANALYZE) after the load, which also merges the search indexes' pending entries
	FirstID  int64
	LastID   int64
	Statuses map[domain.Status]int
}

// Rate returns the tickets stored per second, counting the VACUUM after the
// load: the load leaves part of the search indexes' work to it.
func (r Result) Rate() float64 {
	if r.Elapsed+r.Vacuum <= 0 {
		return 0
	}
	return float64(r.Tickets) / (r.Elapsed + r.Vacuum).Seconds()
}

// syntheticChunk is how many tickets one COPY of tickets (followed by one
// COPY of their events) carries.
const syntheticChunk = 10000

// Load stores spec.N realistic tickets and their timelines with
// COPY: routed by each unit's routing table, due on its calendar, in
// statuses that follow their age. Ticket ids are taken from the sequence in
// one block and follow creation time. Each COPY stream is one transaction;
// they commit together only when every stream succeeded, so a failure
// leaves nothing behind. It returns an invalid_input error for a bad spec.
func Load(ctx context.Context, store *repository.Store, spec Spec) (Result, error) {
	start := time.Now()
	if spec.N <= 0 || spec.Days <= 0 || len(spec.Units) == 0 || len(spec.Messages) == 0 {
		return Result{}, domain.Invalid("Tham số sinh dữ liệu không hợp lệ.",
			"Synthetic data needs N > 0, days > 0, units and messages.", nil)
	}
	if spec.Now.IsZero() {
		spec.Now = time.Now()
	}
	if spec.Workers <= 0 {
		spec.Workers = 2
	}
	plan, err := newPlan(ctx, store, spec)
	if err != nil {
		return Result{}, err
	}
	first, err := store.ReserveTicketIDs(ctx, spec.N)
	if err != nil {
		return Result{}, err
	}
	plan.firstID = first
	res, err := plan.load(ctx, store)
	if err != nil {
		return Result{}, err
	}
	res.FirstID, res.LastID = first, first+int64(spec.N)-1
	res.Elapsed = time.Since(start)
	// What autovacuum would do soon after such a load, done now: fresh
	// statistics, so the first queries are planned for the tables as they
	// are, the visibility map set, so index-only scans (the province's
	// search) need not visit the table, and the search indexes' pending
	// entries merged (synPendingList). Timed apart from the load; Rate
	// counts both.
	vstart := time.Now()
	if err := store.VacuumTickets(ctx); err != nil {
		return res, fmt.Errorf("vacuum after the load: %w", err)
	}
	res.Vacuum = time.Since(vstart)
	return res, nil
}

// synUnit is a unit tickets go to, with what generating them needs.
type synUnit struct {
	idx      int
	cat      *domain.Catalog
	group    *routeGroup
	ward     bool
	villages []string
	lat, lng float64
	catByID  map[int64]domain.Category
	deptByID map[int64]domain.Department
	catID    map[string]int64 // code → id, to translate a group's routes
	deptID   map[string]int64
}

// routeGroup is units whose routing tables are built from the same
// categories and departments (by code) and have no routing rules: routing
// is a pure function of that table, so a text is routed once per group, and
// the result, in codes, holds for every unit of it.
type routeGroup struct {
	table *domain.RoutingTable
	first *synUnit
	rules bool // the unit has routing rules: kind and channel matter
	mu    sync.Mutex
	cache map[uint64]*groupRoute
	count atomic.Int64
}

// groupRoute is a routed text: the variant's text and where it went, in codes.
type groupRoute struct {
	text       *synText
	category   string
	department string
	reply      string // the public answer, in COPY's text format
}

// synText is a variant of a sample message: its title and body, and its
// folded words as ticket_search_vector makes them, computed once for all
// the tickets that carry it.
type synText struct {
	title, body string
	copyFields  string // title, tab, body, in COPY's text format
	vector      string // search_vector, in COPY's text format
}

type synPlanT struct {
	spec     Spec
	units    []*synUnit
	cumUnit  []float64 // cumulative unit weights
	hours    []time.Time
	cumHour  []float64 // cumulative weights of the hours of the period
	firstID  int64
	nowTrunc time.Time
	texts    []synText // by textIndex
	replies  map[string]string
}

func newPlan(ctx context.Context, store *repository.Store, spec Spec) (*synPlanT, error) {
	p := &synPlanT{spec: spec, nowTrunc: spec.Now.Truncate(time.Microsecond)}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x5eed))
	groups := map[string]*routeGroup{}
	total := 0.0
	for i, id := range spec.Units {
		cat, err := store.Catalog(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("synthetic: unit %d: %w", id, err)
		}
		if cat.Unit.Level == domain.LevelProvince {
			return nil, domain.Invalid("Tỉnh không nhận phản ánh trực tiếp.", "A province takes no tickets of its own.",
				map[string]string{"unit": "province"})
		}
		u := &synUnit{idx: i, cat: cat, ward: cat.Unit.Level == domain.LevelWard,
			lat: 21.05 + 0.6*rng.Float64(), lng: 104.95 + 0.55*rng.Float64(),
			catByID: map[int64]domain.Category{}, deptByID: map[int64]domain.Department{},
			catID: map[string]int64{}, deptID: map[string]int64{}}
		for _, c := range cat.Categories {
			u.catByID[c.ID], u.catID[c.Code] = c, c.ID
		}
		for _, d := range cat.Departments {
			u.deptByID[d.ID], u.deptID[d.Code] = d, d.ID
		}
		u.villages = villagesFor(u.ward, rng)
		sig := routingSignature(cat)
		g := groups[sig]
		if g == nil {
			g = &routeGroup{table: cat.Routing, first: u, cache: map[uint64]*groupRoute{},
				rules: strings.HasPrefix(sig, "unit:")}
			groups[sig] = g
		}
		u.group = g
		p.units = append(p.units, u)
		w := 0.35 + 1.65*rng.Float64()*rng.Float64() // a few busy units, many quiet ones
		total += w
		p.cumUnit = append(p.cumUnit, total)
	}
	p.hourProfile()
	if err := p.loadTexts(ctx, store); err != nil {
		return nil, err
	}
	return p, nil
}

// textIndex numbers the variants of message mi: opening pi, closing si,
// without title (as the platforms give it) or with, in a ward or a commune.
func textIndex(mi, pi, si int, noTitle, ward bool) int {
	i := (mi*len(prefixes)+pi)*len(suffixes) + si
	i *= 4
	if noTitle {
		i++
	}
	if ward {
		i += 2
	}
	return i
}

// loadTexts makes every variant of the sample messages and has PostgreSQL
// fold each one's words once, with the function the tickets' triggers use,
// so the COPY carries the vector (the same value, computed per distinct
// text rather than per ticket).
func (p *synPlanT) loadTexts(ctx context.Context, store *repository.Store) error {
	msgs := p.spec.Messages
	p.texts = make([]synText, textIndex(len(msgs), 0, 0, false, false))
	titles, bodies := make([]string, len(p.texts)), make([]string, len(p.texts))
	for mi, m := range msgs {
		for pi := range prefixes {
			for si := range suffixes {
				for _, noTitle := range []bool{false, true} {
					for _, ward := range []bool{false, true} {
						title, level := m.Title, "xã"
						if noTitle {
							title = ""
						}
						if ward {
							level = "phường"
						}
						body := strings.ReplaceAll(prefixes[pi], "{dv}", level) + m.Body + strings.ReplaceAll(suffixes[si], "{dv}", level)
						i := textIndex(mi, pi, si, noTitle, ward)
						p.texts[i] = synText{title: title, body: body, copyFields: copyEscape(title) + "\t" + copyEscape(body)}
						titles[i], bodies[i] = title, body
					}
				}
			}
		}
	}
	vectors, err := store.SearchVectors(ctx, titles, bodies)
	if err != nil {
		return fmt.Errorf("synthetic: fold the texts: %w", err)
	}
	for i, v := range vectors {
		p.texts[i].vector = copyEscape(v)
	}
	p.replies = map[string]string{}
	for code, reply := range replies {
		for _, level := range []string{"xã", "phường"} {
			p.replies[code+"/"+level] = copyEscape(strings.ReplaceAll(reply, "{dv}", level))
		}
	}
	return nil
}

// routingSignature names what a unit's routing depends on, in codes; a unit
// with routing rules gets a signature of its own (rules name ids).
func routingSignature(cat *domain.Catalog) string {
	var b strings.Builder
	for _, r := range cat.Rules {
		if r.Active {
			return "unit:" + strconv.FormatInt(cat.Unit.ID, 10)
		}
	}
	dept := map[int64]string{}
	for _, d := range cat.Departments {
		dept[d.ID] = d.Code
	}
	b.WriteString("triage:" + dept[cat.TriageID])
	for _, c := range cat.Categories {
		if !c.Active {
			continue
		}
		def := ""
		if c.DefaultDepartmentID != nil {
			def = dept[*c.DefaultDepartmentID]
		}
		fmt.Fprintf(&b, "|%s/%d/%s/%q", c.Code, c.Position, def, c.Keywords)
	}
	return b.String()
}

// hourProfile spreads the period's tickets over its hours: office hours
// and evenings busier than nights, weekends quieter, and a use that grows
// over the year.
func (p *synPlanT) hourProfile() {
	loc := domain.VietnamLocation()
	end := p.nowTrunc
	start := end.Add(-time.Duration(p.spec.Days) * 24 * time.Hour).Truncate(time.Hour)
	n := int(end.Sub(start)/time.Hour) + 1
	total := 0.0
	for i := 0; i < n; i++ {
		h := start.Add(time.Duration(i) * time.Hour)
		lt := h.In(loc)
		w := hourWeights[lt.Hour()] * dayWeights[lt.Weekday()] * (0.7 + 0.6*float64(i)/float64(n))
		if i == n-1 { // the current hour, only partly gone
			w *= float64(end.Sub(h)) / float64(time.Hour)
		}
		total += w
		p.hours = append(p.hours, h)
		p.cumHour = append(p.cumHour, total)
	}
}

var hourWeights = [24]float64{0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.8, 1.4, 2.0, 2.1, 1.9, 1.5,
	1.0, 1.2, 1.7, 1.8, 1.6, 1.3, 1.1, 1.3, 1.6, 1.4, 0.9, 0.4}

var dayWeights = [7]float64{0.55, 1.05, 1.0, 1.0, 1.0, 0.95, 0.7} // Sunday first

// synPendingList is the search indexes' pending list for the load's
// transactions: new entries are appended to it and merged into the GIN
// indexes in bulk (by the load when it fills, the rest by the VACUUM after
// it), which costs far less than inserting each ticket's words one by one.
const synPendingList = "64MB"

// load runs the COPY streams and commits them together.
func (p *synPlanT) load(ctx context.Context, store *repository.Store) (Result, error) {
	chunks := (p.spec.N + syntheticChunk - 1) / syntheticChunk
	workers := min(p.spec.Workers, chunks)
	bl, err := store.BeginBulkLoad(ctx, workers, synPendingList)
	if err != nil {
		return Result{}, err
	}
	defer bl.Close()
	results := make([]Result, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen := p.newGen(uint64(w))
			for c := w; c < chunks; c += workers {
				lo, hi := c*syntheticChunk, min((c+1)*syntheticChunk, p.spec.N)
				if err := gen.copyChunk(wctx, bl, w, lo, hi); err != nil {
					errs[w] = err
					cancel()
					return
				}
			}
			results[w] = gen.res
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Result{}, fmt.Errorf("synthetic: %w", err)
	}
	if err := bl.Commit(); err != nil {
		return Result{}, fmt.Errorf("synthetic: commit: %w", err)
	}
	out := Result{Statuses: map[domain.Status]int{}}
	for _, r := range results {
		out.Tickets += r.Tickets
		out.Events += r.Events
		for k, v := range r.Statuses {
			out.Statuses[k] += v
		}
	}
	seen := map[*routeGroup]bool{}
	for _, u := range p.units {
		if !seen[u.group] {
			seen[u.group] = true
			out.Routes += int(u.group.count.Load())
		}
	}
	return out, nil
}

// synGen generates the tickets of one COPY stream. It is not shared.
type synGen struct {
	p        *synPlanT
	rng      *rand.Rand
	resolved map[uint64]*synRoute
	due      map[dueKey]time.Time
	tickets  []byte // COPY text of tickets not yet sent
	events   []byte // COPY text of the chunk's events
	nEvents  int
	res      Result
}

// synRoute is a group's route resolved to one unit's ids.
type synRoute struct {
	gr       *groupRoute
	catID    int64 // 0: none
	deptID   int64
	category domain.Category
}

type dueKey struct {
	unit int
	dl   domain.Deadline
	day  int
}

func (p *synPlanT) newGen(w uint64) *synGen {
	return &synGen{p: p, rng: rand.New(rand.NewPCG(p.spec.Seed+w*7919, 0xca7)),
		resolved: map[uint64]*synRoute{}, due: map[dueKey]time.Time{},
		res: Result{Statuses: map[domain.Status]int{}}}
}

var ticketCopyColumns = []string{"id", "tracking_code", "unit_id", "department_id", "category_id", "kind",
	"channel", "status", "priority", "title", "body", "citizen_name", "citizen_phone", "citizen_email",
	"citizen_external_id", "address", "lat", "lng", "village", "public", "external_id", "thread_id",
	"reception_day", "created_at", "updated_at", "deadline_unit", "due_at", "accept_due_at", "paused_at",
	"first_response_at", "resolved_at", "closed_at", "last_citizen_at", "rating", "rating_comment", "rated_at",
	"search_vector", "identity_restricted"}

var eventCopyColumns = []string{"ticket_id", "type", "body", "public", "data", "created_at"}

// copyChunk copies tickets [lo, hi) and then their events, on stream w
// of bl.
func (g *synGen) copyChunk(ctx context.Context, bl *repository.BulkLoad, w, lo, hi int) error {
	g.events, g.nEvents = g.events[:0], 0
	var err error
	g.tickets, err = bl.Copy(ctx, w, "tickets", ticketCopyColumns, g.tickets, func(s *repository.CopyStream) error {
		for i := lo; i < hi; i++ {
			s.Buf = g.ticket(s.Buf, i)
			if err := s.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copy tickets: %w", err)
	}
	_, err = bl.Copy(ctx, w, "ticket_events", eventCopyColumns, nil, func(s *repository.CopyStream) error {
		for rest := g.events; len(rest) > 0; {
			n := len(rest)
			if n > repository.CopyPiece {
				n = repository.CopyPiece + bytes.IndexByte(rest[repository.CopyPiece:], '\n') + 1
			}
			s.Buf = append(s.Buf[:0], rest[:n]...)
			rest = rest[n:]
			if err := s.Send(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copy events: %w", err)
	}
	g.res.Tickets += hi - lo
	g.res.Events += g.nEvents
	return nil
}

// ticket appends ticket i (0-based) to b as a COPY row and its events to
// g.events.
func (g *synGen) ticket(b []byte, i int) []byte {
	p, rng := g.p, g.rng
	id := p.firstID + int64(i)
	u := p.units[sort.SearchFloat64s(p.cumUnit, rng.Float64()*p.cumUnit[len(p.cumUnit)-1])]
	created := p.createdAt(i, rng)
	loc := u.cat.Calendar.Loc
	if loc == nil {
		loc = domain.VietnamLocation()
	}
	kind := pickKind(rng)
	channel := channelMix[pickWeighted(rng, channelWeights[:])]
	r := g.route(u, rng, channel, kind)
	deadline := domain.TicketDeadline(kind, r.category.Deadline, u.cat.KindRules)
	due := g.dueAt(u, created, deadline, loc)
	accept := g.dueAt(u, created, u.cat.KindRules[kind].Accept, loc)

	life := simulate(rng, created, due, p.nowTrunc)
	g.res.Statuses[life.status]++
	c := g.citizen(u, id, channel, created, loc)
	restricted := kind == domain.KindDenunciation
	if restricted { // a denouncer's identity is stored sealed, and the generator holds no key: anonymous
		c.name, c.phone, c.email, c.addr = "", "", "", ""
	}
	village := u.villages[rng.IntN(len(u.villages))]
	public := rng.IntN(10) == 0
	comment := ""
	if life.rating > 0 && rng.IntN(3) == 0 {
		comment = ratingComments[life.rating-1][rng.IntN(len(ratingComments[life.rating-1]))]
	}

	b = strconv.AppendInt(b, id, 10)
	b = appendTrackingCode(append(b, '\t'), id)
	b = strconv.AppendInt(append(b, '\t'), u.cat.Unit.ID, 10)
	b = appendCopyID(append(b, '\t'), r.deptID)
	b = appendCopyID(append(b, '\t'), r.catID)
	b = append(append(b, '\t'), kind...)
	b = append(append(b, '\t'), channel...)
	b = append(append(b, '\t'), life.status...)
	if r.category.Code == "thien-tai" || r.category.Code == "an-ninh" {
		b = append(b, "\t1"...)
	} else {
		b = append(b, "\t0"...)
	}
	b = append(append(b, '\t'), r.gr.text.copyFields...)
	b = appendCopyText(append(b, '\t'), c.name)
	b = appendCopyText(append(b, '\t'), c.phone)
	b = appendCopyText(append(b, '\t'), c.email)
	b = appendCopyText(append(b, '\t'), c.ext)
	b = appendCopyText(append(b, '\t'), c.addr)
	if c.located {
		b = appendCopyFloat(append(b, '\t'), c.lat)
		b = appendCopyFloat(append(b, '\t'), c.lng)
	} else {
		b = append(b, "\t\\N\t\\N"...)
	}
	b = appendCopyText(append(b, '\t'), village)
	b = appendCopyBool(append(b, '\t'), public)
	if c.external != "" {
		b = appendCopyText(append(b, '\t'), c.external)
	} else {
		b = appendCopyNull(append(b, '\t'))
	}
	b = appendCopyText(append(b, '\t'), c.thread)
	if !c.receptionDay.IsZero() {
		b = appendCopyDate(append(b, '\t'), c.receptionDay)
	} else {
		b = appendCopyNull(append(b, '\t'))
	}
	b = appendCopyTime(append(b, '\t'), created)
	b = appendCopyTime(append(b, '\t'), life.updated)
	b = append(append(b, '\t'), deadline.Unit...)
	b = appendCopyTime(append(b, '\t'), due)
	b = appendCopyTime(append(b, '\t'), accept)
	b = appendCopyTime(append(b, '\t'), life.paused)
	b = appendCopyTime(append(b, '\t'), life.firstResponse)
	b = appendCopyTime(append(b, '\t'), life.resolved)
	b = appendCopyTime(append(b, '\t'), life.closed)
	b = appendCopyTime(append(b, '\t'), created) // last_citizen_at
	if life.rating > 0 {
		b = strconv.AppendInt(append(b, '\t'), int64(life.rating), 10)
	} else {
		b = appendCopyNull(append(b, '\t'))
	}
	b = appendCopyText(append(b, '\t'), comment)
	if life.rating > 0 {
		b = appendCopyTime(append(b, '\t'), life.rated)
	} else {
		b = appendCopyNull(append(b, '\t'))
	}
	b = append(append(b, '\t'), r.gr.text.vector...)
	b = appendCopyBool(append(b, '\t'), restricted)
	b = append(b, '\n')
	g.timeline(id, r, channel, created, life)
	return b
}

// appendCopyID appends a row id, or NULL for 0.
func appendCopyID(b []byte, id int64) []byte {
	if id == 0 {
		return appendCopyNull(b)
	}
	return strconv.AppendInt(b, id, 10)
}

// createdAt returns ticket i's creation time: the i-th of N points spread
// over the period by the hour profile, so ids follow time.
func (p *synPlanT) createdAt(i int, rng *rand.Rand) time.Time {
	total := p.cumHour[len(p.cumHour)-1]
	x := (float64(i) + rng.Float64()) / float64(p.spec.N) * total
	h := min(sort.SearchFloat64s(p.cumHour, x), len(p.hours)-1)
	t := p.hours[h].Add(time.Duration(rng.Int64N(int64(time.Hour)))).Truncate(time.Microsecond)
	if !t.Before(p.nowTrunc) {
		t = p.nowTrunc.Add(-time.Duration(1+rng.IntN(600)) * time.Second)
	}
	return t
}

// route returns where a variant of a sample message goes in unit u.
func (g *synGen) route(u *synUnit, rng *rand.Rand, ch domain.Channel, kind domain.Kind) *synRoute {
	msgs := g.p.spec.Messages
	mi, pi, si := rng.IntN(len(msgs)), pickWeighted(rng, prefixWeights[:]), pickWeighted(rng, suffixWeights[:])
	noTitle := ch == domain.ChannelFacebookComment || ch == domain.ChannelZalo || ch == domain.ChannelFacebookMessage
	key := uint64(mi)<<16 | uint64(pi)<<8 | uint64(si)<<2
	if noTitle {
		key |= 1
	}
	if u.ward {
		key |= 2
	}
	if u.group.rules {
		key |= uint64(slices.Index(domain.Kinds, kind))<<24 | uint64(slices.Index(domain.Channels, ch))<<28
	}
	ukey := key | uint64(u.idx)<<40
	if r := g.resolved[ukey]; r != nil {
		return r
	}
	gr := u.group.get(key, func() *groupRoute {
		level := "xã"
		if u.ward {
			level = "phường"
		}
		text := &g.p.texts[textIndex(mi, pi, si, noTitle, u.ward)]
		res := u.group.table.Route(domain.RouteInput{Kind: kind, Channel: ch, Text: text.title + "\n" + text.body})
		out := &groupRoute{text: text}
		if res.CategoryID != nil {
			out.category = u.group.first.catByID[*res.CategoryID].Code
		}
		out.reply = g.p.replies[out.category+"/"+level]
		if out.reply == "" {
			out.reply = g.p.replies["/"+level]
		}
		if res.DepartmentID != nil {
			out.department = u.group.first.deptByID[*res.DepartmentID].Code
		}
		return out
	})
	r := &synRoute{gr: gr}
	if id, ok := u.catID[gr.category]; ok && gr.category != "" {
		r.catID, r.category = id, u.catByID[id]
	}
	if id, ok := u.deptID[gr.department]; ok && gr.department != "" {
		r.deptID = id
	} else if u.cat.TriageID != 0 {
		r.deptID = u.cat.TriageID
	}
	g.resolved[ukey] = r
	return r
}

func (gr *routeGroup) get(key uint64, build func() *groupRoute) *groupRoute {
	gr.mu.Lock()
	defer gr.mu.Unlock()
	if r := gr.cache[key]; r != nil {
		return r
	}
	r := build()
	gr.cache[key] = r
	gr.count.Add(1)
	return r
}

// dueAt returns the due time of d counted from created on u's calendar. A
// deadline in days ends at a close of business that depends only on the
// day of receipt, so it is computed once per unit, deadline and day.
func (g *synGen) dueAt(u *synUnit, created time.Time, d domain.Deadline, loc *time.Location) time.Time {
	if d.Unit == domain.WorkingHours || d.Amount <= 0 {
		return u.cat.Calendar.Due(created, d)
	}
	y, m, day := created.In(loc).Date()
	k := dueKey{unit: u.idx, dl: d, day: y*10000 + int(m)*100 + day}
	due, ok := g.due[k]
	if !ok {
		due = u.cat.Calendar.Due(created, d)
		g.due[k] = due
	}
	if due.Before(created) {
		return created
	}
	return due
}

// synLife is a ticket's handling as of now.
type synLife struct {
	status                                  domain.Status
	firstResponse, paused, resolved, closed time.Time
	rated, updated                          time.Time
	rating                                  int
	rejected, duplicate                     bool
}

// simulate decides a ticket's handling from its age: most old tickets are
// resolved (some late) and closed, recent ones are still open, a few
// stall and are overdue; some are rejected or duplicates; a third of the
// resolved ones are rated.
func simulate(rng *rand.Rand, created, due, now time.Time) synLife {
	l := synLife{status: domain.StatusNew, updated: created}
	span := due.Sub(created)
	if span < time.Hour {
		span = time.Hour
	}
	resp := time.Duration(float64(20*time.Minute) * math.Exp(rng.NormFloat64()*1.1+1.2))
	if resp > span {
		resp = span / 2
	}
	fr := created.Add(resp).Truncate(time.Microsecond)
	if fr.After(now) {
		return l
	}
	l.firstResponse, l.updated = fr, fr
	switch x := rng.IntN(100); {
	case x < 2:
		l.status, l.rejected, l.closed = domain.StatusRejected, true, fr
		return l
	case x < 4:
		l.status, l.duplicate, l.closed = domain.StatusDuplicate, true, fr
		return l
	}
	var resolveAt time.Time
	switch x := rng.Float64(); {
	case x < 0.78:
		resolveAt = created.Add(time.Duration((0.15 + 0.85*rng.Float64()) * float64(span)))
	case x < 0.96: // late
		resolveAt = due.Add(time.Duration((0.05 + 1.5*rng.Float64()) * float64(span)))
	default: // stalled: still open, overdue once due passes
	}
	resolveAt = resolveAt.Truncate(time.Microsecond)
	if resolveAt.IsZero() || resolveAt.After(now) || !resolveAt.After(fr) {
		switch x := rng.IntN(100); {
		case x < 25:
			l.status = domain.StatusAssigned
		case x < 90:
			l.status = domain.StatusInProgress
		default:
			l.status = domain.StatusWaitingCitizen
			l.paused = fr.Add(time.Duration(rng.Float64() * float64(now.Sub(fr)))).Truncate(time.Microsecond)
			l.updated = l.paused
		}
		return l
	}
	l.status, l.resolved, l.updated = domain.StatusResolved, resolveAt, resolveAt
	if rng.IntN(3) == 0 {
		if rated := resolveAt.Add(time.Duration(rng.Int64N(int64(72 * time.Hour)))).Truncate(time.Microsecond); rated.Before(now) {
			l.rated, l.updated = rated, rated
			l.rating = ratingScores[pickWeighted(rng, ratingWeights[:])]
		}
	}
	if closed := resolveAt.Add(time.Duration(3+rng.IntN(10)) * 24 * time.Hour); closed.Before(now) && rng.IntN(10) < 9 {
		l.status, l.closed = domain.StatusClosed, closed
		if closed.After(l.updated) {
			l.updated = closed
		}
	}
	return l
}

// timeline appends the ticket's events to g.events: 'created', and for a
// resolved ticket the public answer and the change to resolved. (The
// intake path also writes 'routed', and staff work writes more status
// changes; they are left out to keep the load fast: the ticket row holds
// the routing, the times and the rating.)
func (g *synGen) timeline(id int64, r *synRoute, ch domain.Channel, created time.Time, l synLife) {
	g.event(id, domain.EventCreated, "", false, createdData[ch], created)
	switch {
	case l.rejected:
		g.event(id, domain.EventStatus, "", false, `{"from":"new","to":"rejected"}`, l.firstResponse)
		return
	case l.duplicate:
		g.event(id, domain.EventStatus, "", false, `{"from":"new","to":"duplicate"}`, l.firstResponse)
		return
	case l.resolved.IsZero():
		return
	}
	g.event(id, domain.EventReply, r.gr.reply, true, "{}", l.resolved)
	g.event(id, domain.EventStatus, "", false, `{"from":"in_progress","to":"resolved"}`, l.resolved)
}

// event appends an event row; body and data are in COPY's text format.
func (g *synGen) event(id int64, typ domain.EventType, body string, public bool, data string, at time.Time) {
	b := strconv.AppendInt(g.events, id, 10)
	b = append(append(b, '\t'), typ...)
	b = append(append(b, '\t'), body...)
	b = appendCopyBool(append(b, '\t'), public)
	b = append(append(b, '\t'), data...)
	b = appendCopyTime(append(b, '\t'), at)
	g.events = append(b, '\n')
	g.nEvents++
}

// synCitizen is the sender of a synthetic ticket as its channel gives it.
type synCitizen struct {
	name, phone, email, ext, addr, thread string
	external                              string // "": none
	receptionDay                          time.Time
	located                               bool
	lat, lng                              float64
}

// citizen returns the sender's fields as each channel gives them: a
// display name and platform id on Facebook and Zalo, a name and a
// masked-looking phone from the hotline and the reception desk, sometimes
// nothing on the web form. Every external id contains the ticket id, so
// none repeats.
func (g *synGen) citizen(u *synUnit, id int64, ch domain.Channel, created time.Time, loc *time.Location) synCitizen {
	rng := g.rng
	var c synCitizen
	switch ch {
	case domain.ChannelFacebookComment:
		c.name, c.ext = fbName(rng), strconv.FormatInt(24000000000000000+rng.Int64N(999999999999999), 10)
		x := "1" + strconv.FormatInt(100000000000000+int64(u.idx)*1000000000, 10) + "_" + strconv.FormatInt(id, 10)
		c.external, c.thread = x, x
	case domain.ChannelFacebookMessage:
		c.name, c.ext = fbName(rng), strconv.FormatInt(24000000000000000+rng.Int64N(999999999999999), 10)
		c.external, c.thread = "m_syn"+strconv.FormatInt(id, 36)+strconv.FormatUint(rng.Uint64(), 36), c.ext
	case domain.ChannelZalo:
		c.name, c.ext = fbName(rng), strconv.FormatInt(1000000000000000000+rng.Int64N(8000000000000000000), 10)
		c.external, c.thread = hex16(rng.Uint64())+hex16(uint64(id)), c.ext
	case domain.ChannelHotline, domain.ChannelWalkIn:
		c.name, c.phone = fullName(rng), maskedPhone(rng)
		if ch == domain.ChannelWalkIn && rng.IntN(5) < 2 {
			c.receptionDay = created.In(loc)
		}
	case domain.ChannelEmail:
		c.name = fullName(rng)
		c.email = emailOf(c.name, id)
	default: // web, open311
		if rng.IntN(100) < 55 {
			c.name, c.phone = fullName(rng), maskedPhone(rng)
			if rng.IntN(4) == 0 {
				c.email = emailOf(c.name, id)
			}
		}
		if ch == domain.ChannelWeb || rng.IntN(2) == 0 {
			c.located = true
			c.lat, c.lng = u.lat+(rng.Float64()-0.5)*0.04, u.lng+(rng.Float64()-0.5)*0.04
		}
	}
	if rng.IntN(10) < 3 {
		c.addr = "Số " + strconv.Itoa(1+rng.IntN(160)) + ", " + u.villages[rng.IntN(len(u.villages))]
	}
	return c
}

// hex16 returns x in 16 lower-case hex digits.
func hex16(x uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[x&15]
		x >>= 4
	}
	return string(b[:])
}

func pickWeighted(rng *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := rng.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func pickKind(rng *rand.Rand) domain.Kind {
	return domain.Kinds[pickWeighted(rng, kindWeights[:])]
}

// The mix of kinds (feedback, petition, inquiry, complaint, denunciation)
// and of channels.
var (
	kindWeights    = [5]int{78, 9, 10, 2, 1}
	channelMix     = domain.Channels
	channelWeights = [8]int{15, 25, 14, 25, 3, 8, 7, 3} // web, fb comment, fb message, zalo, open311, hotline, walk-in, email
	ratingScores   = [5]int{5, 4, 3, 2, 1}
	ratingWeights  = [5]int{44, 30, 12, 7, 7}
)

var createdData = func() map[domain.Channel]string {
	m := map[domain.Channel]string{}
	for _, c := range domain.Channels {
		m[c] = `{"channel":"` + string(c) + `"}`
	}
	return m
}()

// Variations of a sample message: how people open and close it ({dv} is
// "xã" or "phường").
var (
	prefixes      = []string{"", "Kính gửi UBND {dv}, ", "Chào ad, ", "Em chào các anh chị, ", "Kính gửi lãnh đạo {dv}. ", "Dạ thưa {dv}, "}
	prefixWeights = [6]int{50, 14, 12, 10, 8, 6}
	suffixes      = []string{"", " Xin cảm ơn!", " Mong {dv} sớm giải quyết.", " Trân trọng.", " Cảm ơn ad ạ.", " Đề nghị các cơ quan chức năng kiểm tra, xử lý."}
	suffixWeights = [6]int{45, 16, 14, 9, 8, 8}
)

// replies is the public answer by category code ("" for any other).
var replies = map[string]string{
	"chieu-sang":  "UBND {dv} đã chỉ đạo Phòng Kinh tế phối hợp với Điện lực kiểm tra, thay thế bóng đèn và sửa chữa đường dây; hệ thống chiếu sáng đã hoạt động bình thường. Cảm ơn ông/bà đã phản ánh.",
	"thien-tai":   "Ngay khi nhận phản ánh, UBND {dv} đã cử lực lượng xung kích và dân quân có mặt tại hiện trường, khắc phục hậu quả, bảo đảm an toàn cho người dân. Đề nghị bà con tiếp tục theo dõi thông báo của {dv}.",
	"an-ninh":     "Công an {dv} đã tiếp nhận, xác minh và xử lý theo quy định; đồng thời tăng cường tuần tra vào ban đêm tại khu vực. Mọi thông tin xin liên hệ trực ban Công an {dv}.",
	"moi-truong":  "UBND {dv} đã yêu cầu đơn vị thu gom xử lý dứt điểm và kiểm tra việc xả thải của các hộ liên quan; đã lập biên bản và hướng dẫn khắc phục. Cảm ơn ông/bà đã đồng hành giữ gìn vệ sinh môi trường.",
	"ha-tang":     "Phòng Kinh tế đã kiểm tra hiện trạng, tạm thời vá ổ gà và lắp biển cảnh báo; việc sửa chữa đã được đưa vào kế hoạch duy tu năm nay. UBND {dv} cảm ơn ông/bà.",
	"dat-dai":     "Cán bộ địa chính đã làm việc với các hộ liên quan, đối chiếu hồ sơ và đo đạc hiện trạng; kết quả đã được thông báo bằng văn bản. Nếu chưa đồng ý, ông/bà có thể gửi đơn theo quy định.",
	"thu-tuc":     "Trung tâm Phục vụ hành chính công đã hướng dẫn chi tiết thành phần hồ sơ và trả kết quả; ông/bà có thể tra cứu và nộp trực tuyến trên Cổng dịch vụ công quốc gia.",
	"y-te-xa-hoi": "Phòng Văn hóa - Xã hội đã rà soát và hoàn thiện hồ sơ theo đúng chế độ, chính sách; kết quả sẽ được chi trả trong kỳ tới. Cảm ơn ông/bà đã phản ánh.",
	"":            "UBND {dv} đã tiếp nhận và trả lời nội dung ông/bà nêu. Cảm ơn ông/bà đã quan tâm, đóng góp ý kiến.",
}

var ratingComments = [5][]string{
	{"Chưa giải quyết triệt để", "Trả lời chung chung, không đúng nội dung"},
	{"Xử lý chậm", "Chưa hài lòng"},
	{"Tạm được", "Cần nhanh hơn"},
	{"Cảm ơn xã", "Xử lý khá nhanh"},
	{"Rất hài lòng, cảm ơn cán bộ", "Giải quyết nhanh, cảm ơn ạ"},
}

var (
	familyNames = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh", "Hà"}
	middleNames = []string{"Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Xuân"}
	givenNames  = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Hương", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến", "Hải", "Linh", "Khánh"}
	mobiles     = []string{"091", "094", "098", "097", "096", "086", "090", "093", "089", "070", "079", "081", "083", "085", "088", "032", "033", "035", "037", "039"}
)

func fullName(rng *rand.Rand) string {
	return familyNames[rng.IntN(len(familyNames))] + " " + middleNames[rng.IntN(len(middleNames))] + " " +
		givenNames[rng.IntN(len(givenNames))]
}

// fbName is a display name as people set it: often without diacritics,
// given name first.
func fbName(rng *rand.Rand) string {
	n := fullName(rng)
	if rng.IntN(3) == 0 {
		parts := strings.Fields(domain.Fold(n))
		for i, p := range parts {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
		return parts[len(parts)-1] + " " + parts[0]
	}
	return n
}

// maskedPhone is a phone number that cannot be anyone's: "0912***678".
func maskedPhone(rng *rand.Rand) string {
	return mobiles[rng.IntN(len(mobiles))] + strconv.Itoa(rng.IntN(10)) + "***" + fmt.Sprintf("%03d", rng.IntN(1000))
}

func emailOf(name string, id int64) string {
	parts := strings.Fields(domain.Fold(name))
	return strings.Join(parts, "") + strconv.FormatInt(id%1000, 10) + "@example.vn"
}

// villagesFor returns a unit's villages: thôn and xóm in a commune, tổ dân
// phố and khu in a ward.
func villagesFor(ward bool, rng *rand.Rand) []string {
	var out []string
	if ward {
		for i := 1; i <= 8+rng.IntN(10); i++ {
			out = append(out, "Tổ dân phố "+strconv.Itoa(i))
		}
		return append(out, "Khu 1", "Khu 2", "Khu 5", "Khu phố Tân Lập", "Khu phố Hòa Bình")
	}
	for i := 1; i <= 5+rng.IntN(8); i++ {
		out = append(out, "Thôn "+strconv.Itoa(i))
	}
	named := []string{"Thôn Đồng Xuân", "Xóm Chùa", "Xóm Bến", "Thôn Hạ", "Thôn Thượng", "Xóm Mới", "Thôn Đông", "Xóm Đồng", "Thôn Trung", "Xóm Giữa"}
	for _, n := range named {
		if rng.IntN(2) == 0 {
			out = append(out, n)
		}
	}
	return out
}

// appendTrackingCode appends the tracking code of synthetic ticket id: a
// keyed permutation of the 44-bit id space written in the tracking
// alphabet, so codes look random, have the shape of domain.NewTrackingCode,
// and never repeat between synthetic tickets (ids never repeat).
func appendTrackingCode(dst []byte, id int64) []byte {
	const half, mask = 22, 1<<22 - 1
	v := uint64(id) & (1<<44 - 1)
	l, r := v>>half, v&mask
	for round := uint64(0); round < 4; round++ {
		l, r = r, l^(mix64(r+round*0x9e3779b97f4a7c15)&mask)
	}
	v = l<<half | r
	const alpha = domain.TrackingAlphabet
	var b [10]byte
	for i := 9; i >= 0; i-- {
		if i == 4 {
			b[i] = '-'
			continue
		}
		b[i] = alpha[v%uint64(len(alpha))]
		v /= uint64(len(alpha))
	}
	return append(dst, b[:]...)
}

// mix64 is SplitMix64's finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
