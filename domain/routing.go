package domain

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Keyword syntax, in Category.Keywords and Rule.Keywords:
//
//   - "đèn đường": a phrase of whole words. Written with diacritics, it is
//     compared with diacritics when the text is written with them (so "cầu"
//     does not match "câu hỏi") and folded when the text is typed without
//     accents ("den duong" matches); written without diacritics it is always
//     compared folded.
//   - "-yêu cầu": a stop-phrase. An occurrence of one of the list's keywords
//     that lies inside an occurrence of a stop-phrase does not count, so
//     "cầu" (a bridge) does not match "yêu cầu" (a request) while "yêu cầu
//     sửa cây cầu" still matches through its second "cầu".
//   - "=bão": a keyword that matches only a text written with diacritics,
//     for words whose folded form is too common ("bao" is also "bao nhiêu",
//     "bảo hiểm", "báo cáo").
const (
	StopPrefix  = "-"
	ExactPrefix = "="
)

// accentedShare is the share of a text's words that must carry a diacritic
// for the text to count as written with diacritics: a message typed without
// accents that quotes one accented name ("den duong thon Đông hong") is
// still compared folded.
const accentedShare = 4 // at least one word in four

// RouteInput is what routing looks at. Text is the title and the body,
// joined by a newline.
type RouteInput struct {
	Kind       Kind
	Channel    Channel
	CategoryID *int64 // the category the citizen or staff chose, if any
	Text       string
}

// RouteResult is where a ticket goes. CategoryID is nil when none was given
// and nothing matched; DepartmentID is nil only when the table has no triage
// department and nothing else applied; RuleID is the routing rule that
// matched, if any. Reason says why, for the ticket's timeline (not a message
// for citizens); Keyword is the keyword that decided, if any.
type RouteResult struct {
	CategoryID   *int64
	DepartmentID *int64
	RuleID       *int64
	Reason       string
	Keyword      string
}

// RoutingTable is a unit's categories and routing rules compiled for
// matching. Build it once with NewRoutingTable and keep it until an
// administrator changes the unit's categories or rules; it is read-only
// after construction and safe for concurrent use.
type RoutingTable struct {
	phrases    []phrase
	index      map[string][]int // folded first word → phrase ids
	rules      []compiledRule   // active rules by Position, then ID
	categories []compiledCategory
	defaults   map[int64]*int64 // category id → default department
	codes      map[int64]string // category id → code
	triage     *int64
}

type phrase struct {
	text   string   // as written, prefix removed
	folded []string // per word
	exact  []string // per word, see wordForms
	marked bool     // written with diacritics: compared exactly on accented text
	only   bool     // "=": matches only accented text
}

type matcher struct {
	keywords []int
	stops    []int
}

type compiledRule struct {
	rule Rule
	m    matcher
}

type compiledCategory struct {
	id   int64
	code string
	m    matcher
}

// NewRoutingTable compiles the routing of one unit. Inactive categories and
// rules are left out (an inactive category keeps its default department when
// a ticket names it); rules are tried by Position, then ID; categories infer
// a ticket's category by Position, then ID. triageDepartmentID is the
// department that receives what nothing else routes (0: none).
func NewRoutingTable(categories []Category, rules []Rule, triageDepartmentID int64) *RoutingTable {
	t := &RoutingTable{
		index:    map[string][]int{},
		defaults: map[int64]*int64{},
		codes:    map[int64]string{},
	}
	if triageDepartmentID != 0 {
		t.triage = &triageDepartmentID
	}
	cats := append([]Category(nil), categories...)
	sort.SliceStable(cats, func(i, j int) bool {
		if cats[i].Position != cats[j].Position {
			return cats[i].Position < cats[j].Position
		}
		return cats[i].ID < cats[j].ID
	})
	for _, c := range cats {
		t.codes[c.ID] = c.Code
		if c.DefaultDepartmentID != nil {
			d := *c.DefaultDepartmentID
			t.defaults[c.ID] = &d
		}
		if c.Active {
			t.categories = append(t.categories, compiledCategory{id: c.ID, code: c.Code, m: t.compile(c.Keywords)})
		}
	}
	rs := append([]Rule(nil), rules...)
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Position != rs[j].Position {
			return rs[i].Position < rs[j].Position
		}
		return rs[i].ID < rs[j].ID
	})
	for _, r := range rs {
		if !r.Active {
			continue
		}
		r.Keywords = append([]string(nil), r.Keywords...)
		t.rules = append(t.rules, compiledRule{rule: r, m: t.compile(r.Keywords)})
	}
	return t
}

// compile adds a keyword list's phrases to the table.
func (t *RoutingTable) compile(keywords []string) matcher {
	var m matcher
	for _, kw := range keywords {
		kw = NormalizeText(kw)
		stop, only := false, false
		switch {
		case strings.HasPrefix(kw, StopPrefix):
			stop, kw = true, kw[len(StopPrefix):]
		case strings.HasPrefix(kw, ExactPrefix):
			only, kw = true, kw[len(ExactPrefix):]
		}
		p := phrase{text: strings.TrimSpace(kw), only: only}
		for _, w := range tokenize(p.text) {
			p.folded = append(p.folded, w.folded)
			p.exact = append(p.exact, w.exact)
			p.marked = p.marked || w.marked
		}
		if len(p.folded) == 0 {
			continue
		}
		id := len(t.phrases)
		t.phrases = append(t.phrases, p)
		t.index[p.folded[0]] = append(t.index[p.folded[0]], id)
		if stop {
			m.stops = append(m.stops, id)
		} else {
			m.keywords = append(m.keywords, id)
		}
	}
	return m
}

type word struct {
	folded, exact string
	marked        bool
	joined        bool // only spaces or a hyphen separate it from the previous word
}

// tokenize splits s into words: runs of letters, digits and marks.
func tokenize(s string) []word {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var words []word
	joined := false
	start := -1
	for i := 0; i <= len(s); {
		r, size := rune(-1), 1
		if i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		isWord := r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			f, e, m := wordForms(s[start:i])
			words = append(words, word{folded: f, exact: e, marked: m, joined: joined && len(words) > 0})
			start = -1
			joined = true
		}
		if !isWord && r >= 0 && r != ' ' && r != '\t' && r != '-' && !unicode.Is(unicode.Zs, r) {
			joined = false
		}
		i += size
	}
	return words
}

type span struct{ phrase, start, end int }

// scan finds every occurrence of every phrase of the table in words.
func (t *RoutingTable) scan(words []word, accented bool) []span {
	var hits []span
	for i := range words {
		for _, id := range t.index[words[i].folded] {
			p := &t.phrases[id]
			if p.only && !accented {
				continue
			}
			if i+len(p.folded) > len(words) {
				continue
			}
			exact := accented && p.marked
			ok := true
			for j := range p.folded {
				w := &words[i+j]
				if j > 0 && !w.joined ||
					exact && w.exact != p.exact[j] ||
					!exact && w.folded != p.folded[j] {
					ok = false
					break
				}
			}
			if ok {
				hits = append(hits, span{id, i, i + len(p.folded)})
			}
		}
	}
	return hits
}

// match returns the first of m's keywords (in list order) found in hits
// outside every stop-phrase of m.
func (t *RoutingTable) match(m matcher, hits []span) (string, bool) {
	for _, k := range m.keywords {
		for _, h := range hits {
			if h.phrase != k || covered(h, m.stops, hits) {
				continue
			}
			return t.phrases[k].text, true
		}
	}
	return "", false
}

func covered(h span, stops []int, hits []span) bool {
	for _, s := range stops {
		for _, o := range hits {
			if o.phrase == s && o.start <= h.start && h.end <= o.end {
				return true
			}
		}
	}
	return false
}

// isAccented reports whether at least one word in accentedShare carries a
// diacritic.
func isAccented(words []word) bool {
	n, marked := 0, 0
	for _, w := range words {
		if w.marked {
			marked++
		}
		if strings.IndexFunc(w.folded, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return marked > 0 && marked*accentedShare >= n
}

// Route decides a ticket's category and department. The rules are tried
// first, in order: a rule matches when each of its CategoryID (against the
// given category, or else the one the categories' keywords infer), Kind,
// Channel and keywords is empty or matches. The category is the given one,
// else the first matching rule's SetCategory, else the first category (by
// Position) one of whose keywords is found in the text. The department is
// the first matching rule's DepartmentID, else the category's default
// department, else the triage department.
func (t *RoutingTable) Route(in RouteInput) RouteResult {
	words := tokenize(in.Text)
	accented := isAccented(words)
	hits := t.scan(words, accented)

	var res RouteResult
	category := copyID(in.CategoryID)
	var reason []string
	if category != nil {
		reason = append(reason, fmt.Sprintf("category %s given", t.code(*category)))
	} else {
		for _, c := range t.categories {
			if kw, ok := t.match(c.m, hits); ok {
				id := c.id
				category, res.Keyword = &id, kw
				reason = append(reason, fmt.Sprintf("category %s by keyword %q", c.code, kw))
				break
			}
		}
	}
	var department *int64
	for _, r := range t.rules {
		kw, ok := t.ruleMatches(r, in, category, hits)
		if !ok {
			continue
		}
		id := r.rule.ID
		res.RuleID = &id
		msg := fmt.Sprintf("rule %d", id)
		if kw != "" {
			msg += fmt.Sprintf(" by keyword %q", kw)
			res.Keyword = kw
		}
		if in.CategoryID == nil && r.rule.SetCategory != nil {
			category = copyID(r.rule.SetCategory)
			reason = []string{fmt.Sprintf("category %s set", t.code(*category))}
		}
		department = copyID(r.rule.DepartmentID)
		reason = append(reason, msg)
		break
	}
	if department == nil && category != nil {
		department = copyID(t.defaults[*category])
		if department != nil && res.RuleID == nil {
			reason = append(reason, "default department")
		}
	}
	if department == nil {
		department = copyID(t.triage)
		if category == nil {
			reason = append(reason, "nothing matched: triage")
		} else {
			reason = append(reason, "no department: triage")
		}
	}
	res.CategoryID, res.DepartmentID = category, department
	res.Reason = strings.Join(reason, "; ")
	return res
}

func (t *RoutingTable) ruleMatches(r compiledRule, in RouteInput, category *int64, hits []span) (string, bool) {
	if r.rule.CategoryID != nil && (category == nil || *category != *r.rule.CategoryID) {
		return "", false
	}
	if r.rule.Kind != "" && r.rule.Kind != in.Kind {
		return "", false
	}
	if r.rule.Channel != "" && r.rule.Channel != in.Channel {
		return "", false
	}
	if len(r.m.keywords) == 0 {
		return "", true
	}
	return t.match(r.m, hits)
}

func (t *RoutingTable) code(id int64) string {
	if c, ok := t.codes[id]; ok {
		return c
	}
	return fmt.Sprintf("#%d", id)
}

func copyID(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
