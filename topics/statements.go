package topics

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/clausewatch/clausewatch/diff"
)

// A sharing statement says who gets which data: "We share your phone number
// with our advertising partners". The sharing rules (rules.go) decide
// whether a sentence makes one, with their verbs, recipients, negation and
// vetoes; this file reads each statement they find into a diff.Statement
// whose parts are keys of the vocabulary of package labels, so that
// comparing the statements of two versions of a clause says what changed in
// who gets what, and a renamed recipient ("Facebook Companies", "Meta
// Companies") is the same recipient.
//
// Direction matters: data the service receives from others ("Partners
// share information about you with us", "We receive information from the
// Meta Companies") is collection from third parties, the topic
// third-party-collection, never a sharing statement. A recipient receiving
// data ("Meta receives Device and Connection Information" in WhatsApp's
// policy) is the service giving it away.

// statementLexicon is what one language says about the parts of a sharing
// statement. Each list holds phrases in the syntax of compileSet, most of
// them keyed ("=> phone-number") with a key of the labels vocabulary.
type statementLexicon struct {
	// recipients are added to the lexicon's recipients ("socios
	// publicitarios", advertisers as English says "advertising partners").
	recipients []string
	// collect is added to what a recipient does when it is the subject
	// ("Facebook no usa ...", as English "Facebook does not use ...").
	collect []string
	// purposes are added to the lexicon's purpose list (the purposes the
	// sharing rules key), which lacks the ordinary ones: providing the
	// service, complying with the law.
	purposes []string
	// keys names recipients more precisely than the sharing rules' keys:
	// a phrase matching a whole recipient the rules found gives its key
	// ("other users => other-users", where the rules say "others").
	keys []string
	// action: the verb of a statement, keyed with a diff.Action* constant.
	action []string
	// data: the data categories.
	data []string
	// condition: what a statement depends on ("if you choose => choice").
	condition []string
	// cue: the words that introduce a purpose ("to", "para"): a purpose
	// counts only a few words after one.
	cue []string
	// join: the words that may stand between the items of a list of
	// recipients ("regulators, law enforcement and other authorities").
	join []string
	// receive, from: a verb of receiving and the word that introduces its
	// source ("we receive information from partners"): collection from
	// third parties.
	receive, from []string
	// denial: a subject that denies a passive statement from the head of
	// its sentence ("Nothing you share on WhatsApp ... will be shared
	// onto Facebook"), further from the verb than the negation cues of the
	// sharing rules reach; opener: words that may come before it.
	denial, opener []string
}

// brandRecipients are the names of Meta as a company, in every language:
// added to the recipients of the sharing rules, which know the Meta
// Companies but not Meta itself ("Meta receives ...").
func brandRecipients() []string {
	return []string{
		"meta => meta", "meta platforms* => meta", "meta platforms ireland* => meta",
		"meta platforms ireland limited => meta", "meta platforms inc => meta", "facebook inc => meta",
		"facebook ireland* => meta", "facebook ireland limited => meta",
	}
}

// brandPlaces are the words that make "Meta" a product rather than the
// company ("Meta Pay", "Meta Pixel", "Meta Verified"), added to the
// lexicon's places: a product gets no data, the company behind it does
// when a policy says so.
func brandPlaces() []string { return []string{"pay", "pixel", "checkout", "verified", "quest"} }

// brandKeys key the names of Meta as a company, in every language:
// "Facebook" alone is Meta, the company, where the sharing rules count it
// among the Meta Companies.
func brandKeys() []string { return append([]string{"facebook => meta"}, brandRecipients()...) }

// statementLexicons returns the statement lexicon of each language that has
// one. Languages without one still get statements, keyed by what the
// sharing rules know: an action by rule, recipients, negation.
func statementLexicons() map[string]statementLexicon {
	return map[string]statementLexicon{"en": englishStatements(), "es": spanishStatements()}
}

// withStatements returns l with the recipients, places, collecting verbs
// and purposes that statements need added to the sharing rules' own lists (copies: l's
// lists are not changed).
func withStatements(l lexicon, s statementLexicon) lexicon {
	l.recipient = append(append(slices.Clip(l.recipient), s.recipients...), brandRecipients()...)
	l.place = append(slices.Clip(l.place), brandPlaces()...)
	l.collect = append(slices.Clip(l.collect), s.collect...)
	l.purpose = append(slices.Clip(l.purpose), s.purposes...)
	return l
}

// statementSet is a statement lexicon compiled.
type statementSet struct {
	keys, action, data, condition, cue, join, receive, from, denial, opener *lexset
}

func compileStatements(s statementLexicon) *statementSet {
	return &statementSet{
		keys: compileSet(append(slices.Clip(s.keys), brandKeys()...)), action: compileSet(s.action),
		data: compileSet(s.data), condition: compileSet(s.condition), cue: compileSet(s.cue),
		join: compileSet(s.join), receive: compileSet(s.receive), from: compileSet(s.from),
		denial: compileSet(s.denial), opener: compileSet(s.opener),
	}
}

// compiledStatements returns the compiled statement lexicon of every
// language with a lexicon (an empty one for those without), built on
// first use like compiledLexicons.
var compiledStatements = sync.OnceValue(func() map[string]*statementSet {
	lexicons := statementLexicons()
	out := map[string]*statementSet{}
	for _, lang := range Languages() {
		out[lang] = compileStatements(lexicons[lang])
	}
	return out
})

// reader reads clauses in one language: the sharing rules and topics
// (compiled) and the statement lexicon.
type reader struct {
	lx *compiled
	st *statementSet
}

// readerFor picks the reader for lang, guessing the language of text when
// lang is empty or has no lexicon (as lexiconFor does).
func readerFor(text, lang string) reader {
	lx := lexiconFor(text, lang)
	return reader{lx: lx, st: compiledStatements()[lx.lang]}
}

// said is one statement read from a clause: the diff.Statement, the token
// where its verb starts (statements of one verb are one statement), and
// the phrases the sharing rules quote for it, which a change shows as its
// evidence.
type said struct {
	diff.Statement
	verb   int
	quotes []Evidence
}

// evidence quotes a statement for a change's evidence: the phrases the
// sharing rules quote, and every recipient it names (the rules quote the
// nearest one only), so that a reader sees who gets the data.
func (s said) evidence() []Evidence {
	out := slices.Clone(s.quotes)
	for _, q := range s.Evidence {
		if q.Part == "recipient" {
			out = append(out, Evidence{Start: q.Start, End: q.End, Text: q.Text})
		}
	}
	return tidy(out)
}

// reading is a clause read once: its topics as Classify reports them, its
// sharing statements, and what it says the service receives from third
// parties (sources, whose Recipients are who the data comes from).
type reading struct {
	toks    []token
	matches []Match
	shares  []said
	sources []said
}

// read reads a clause cut into toks.
func (r reader) read(text string, toks []token) reading {
	rd := reading{toks: toks}
	if len(toks) == 0 {
		rd.matches = []Match{}
		return rd
	}
	// The statements a veto removed are kept only where one may have
	// been removed because the service gets the data.
	var stmts, vetoed []statement
	if r.namesSelf(toks) {
		stmts = r.lx.scan(toks, &vetoed)
	} else {
		stmts = r.lx.sharing(toks)
	}
	receive := r.st.receive.find(toks)
	if len(stmts) > 0 || len(receive) > 0 || slices.ContainsFunc(vetoed, toSelf) {
		rd.shares, rd.sources = r.statements(text, toks, stmts, vetoed, receive)
	}
	var out []Match
	if len(rd.shares) > 0 {
		m := Match{Topic: DataSharing, Negated: true}
		for _, s := range rd.shares {
			m.Negated = m.Negated && s.Negated
			m.Evidence = append(m.Evidence, s.quotes...)
		}
		m.Evidence = tidy(m.Evidence)
		out = append(out, m)
	}
	if len(rd.sources) > 0 {
		m := Match{Topic: ThirdPartyCollection}
		for _, s := range rd.sources {
			m.Evidence = append(m.Evidence, s.quotes...)
		}
		m.Evidence = tidy(m.Evidence)
		out = append(out, m)
	}
	for _, rule := range r.lx.rules {
		if ev := rule.apply(text, toks); len(ev) > 0 {
			out = append(out, Match{Topic: rule.topic, Evidence: tidy(ev)})
		}
	}
	order := All()
	slices.SortStableFunc(out, func(a, b Match) int {
		return slices.Index(order, a.Topic) - slices.Index(order, b.Topic)
	})
	rd.matches = mergeTopics(out)
	return rd
}

// namesSelf reports whether a clause may name the service as the one that
// gets something, as the sharing rules' to-self veto reads it: "with us",
// "to us", or an object pronoun before or fused to a verb ("nos envían",
// "enviarnos"). Any word ending like a fused pronoun counts ("menos"): the
// test only spares the rules keeping their vetoes where none can matter.
func (r reader) namesSelf(toks []token) bool {
	if len(r.lx.toself.find(toks)) > 0 {
		return true
	}
	for _, t := range toks {
		if r.lx.selfClitic[t.word] {
			return true
		}
		for _, s := range r.lx.selfSuffix {
			if strings.HasSuffix(t.word, s) {
				return true
			}
		}
	}
	return false
}

// toSelf reports whether a veto removed a statement because the service is
// the one that gets the data ("partners share data with us").
func toSelf(s statement) bool { return strings.HasSuffix(s.rule, "/to-self") }

// clauseParts are the hits of a clause that every statement of it reads
// its parts from, found once.
type clauseParts struct {
	text      string
	toks      []token
	recip     []hit // recipients, anaphors included, none inside another
	data      []hit
	purpose   []hit
	cue       []hit
	condition []hit
	denial    []hit
	from      []hit // the words that introduce a source ("from", "de")
	neg, exc  []hit
	paren     []bool // paren[k]: token k stands inside parentheses
	verbs     []int  // the verbs of the clause's statements, in order
	// named[k] is the index of the last recipient at or before recip[k]
	// that is not an anaphor, -1 when there is none.
	named []int
	// conditions holds the best condition of each sentence, and
	// purposes the best purpose a verb before each cue may name (see
	// bestConditions and bestPurposes); both are found once per clause,
	// when a statement first asks, so that each statement reads its
	// parts in time independent of the clause's length.
	conditions map[int]ranked
	purposes   []ranked
}

// ranked is a hit and its rank in purposeRank or conditionRank; a rank
// equal to the length of the ranking means no hit.
type ranked struct {
	h    hit
	rank int
}

// statements reads the sharing rules' statements (stmts), the statements
// they vetoed because the service gets the data, and the verbs of
// receiving, into sharing statements and sources.
func (r reader) statements(text string, toks []token, stmts, vetoed []statement, receive []hit) (shares, sources []said) {
	recip := r.lx.recipients(toks)
	if len(recip) > 0 {
		recip = r.lx.anaphora(toks, recip)
	}
	if len(recip) == 0 && len(stmts) == 0 {
		return nil, nil // receiving from nobody named
	}
	p := &clauseParts{
		text: text, toks: toks, recip: outermost(recip), data: outermost(r.st.data.find(toks)),
		purpose: r.lx.purpose.find(toks), cue: r.st.cue.find(toks), condition: r.st.condition.find(toks),
		denial: r.st.denial.find(toks), from: r.st.from.find(toks), neg: r.lx.negation.find(toks), exc: r.lx.exception.find(toks),
		paren: parenthesized(text, toks),
	}
	for _, s := range stmts {
		p.verbs = append(p.verbs, verbOf(s).from)
	}
	slices.Sort(p.verbs)
	p.named = make([]int, len(p.recip))
	for k, x := range p.recip {
		switch {
		case x.key != "anaphor":
			p.named[k] = k
		case k > 0:
			p.named[k] = p.named[k-1]
		default:
			p.named[k] = -1
		}
	}

	sh, so := saidList{at: map[int]int{}}, saidList{at: map[int]int{}}
	for _, s := range stmts {
		v := verbOf(s)
		if src, ok := r.source(p, v); ok {
			so.merge(r.sourceFrom(p, v, src, s.negated, s.cue))
			continue
		}
		sh.merge(r.share(p, s, v))
	}
	for _, s := range vetoed {
		if !toSelf(s) {
			continue
		}
		for _, part := range s.parts {
			if k := p.recipientAt(part); k >= 0 {
				v := verbOf(s)
				cue, neg := r.lx.negated(toks, v, p.neg, p.exc)
				so.merge(r.sourceFrom(p, v, p.recip[k], neg, cue))
				break
			}
		}
	}
	if len(receive) > 0 {
		user := r.lx.user.find(toks)
		for _, v := range receive {
			if r.lx.byUser(toks, v, user) {
				continue // "you receive messages from businesses"
			}
			if src, ok := r.source(p, v); ok {
				cue, neg := r.lx.negated(toks, v, p.neg, p.exc)
				so.merge(r.sourceFrom(p, v, src, neg, cue))
			}
		}
	}
	return sh.list, so.list
}

// verbOf returns the hit a statement of the sharing rules turns on: its
// verb, or for a recipient doing the collecting ("advertisers may
// collect") the collecting verb, or the phrase that makes the statement by
// itself ("third-party cookies", "made public", "merger").
func verbOf(s statement) hit {
	if s.rule == "subject" && len(s.parts) > 1 {
		return s.parts[1]
	}
	return s.parts[0]
}

// outermost drops the hits that lie inside another one ("Meta" in "las
// empresas de Meta", "information" in "device and connection
// information"); hs is in order, the longest hit first at each position.
func outermost(hs []hit) []hit {
	out := hs[:0:0]
	end := -1
	for _, h := range hs {
		if h.from < end {
			continue
		}
		out = append(out, h)
		end = max(end, h.to)
	}
	return out
}

// parenthesized marks the tokens that stand inside parentheses: the
// examples a policy gives of a category ("Device and Connection
// Information (e.g. an identifier used for your subscription)") are no
// parts of their own.
func parenthesized(text string, toks []token) []bool {
	out := make([]bool, len(toks))
	depth, k := 0, 0
	for i := 0; i < len(text) && k < len(toks); i++ {
		for k < len(toks) && toks[k].start <= i {
			out[k] = depth > 0
			k++
		}
		switch text[i] {
		case '(':
			depth++
		case ')':
			depth = max(0, depth-1)
		}
	}
	return out
}

// source finds where a verb of receiving gets data from: the word "from"
// (or "de", "desde") shortly after it, then a recipient right after that
// ("WhatsApp receives information from the Meta Companies", "recibimos
// información de terceros").
func (r reader) source(p *clauseParts, v hit) (hit, bool) {
	if !r.st.receive.has(p.toks, v) {
		return hit{}, false
	}
	for _, f := range span(p.from, v.to, v.to+9) {
		if !same(p.toks, f, v) {
			continue
		}
		for _, h := range span(p.recip, f.to, f.to+3) {
			if same(p.toks, h, f) {
				return h, true
			}
		}
	}
	return hit{}, false
}

// share reads one statement of the sharing rules.
func (r reader) share(p *clauseParts, s statement, v hit) said {
	st := diff.Statement{Action: r.action(p, s, v), Negated: s.negated}
	out := said{verb: v.from, quotes: s.evidence(p.text, p.toks)}
	var named []hit
	switch s.rule {
	case "give", "hand", "engage", "agent":
		named = r.list(p, s.parts[1])
	case "subject":
		named = r.list(p, s.parts[0])
	case "business":
		st.Recipients = append(st.Recipients, "buyer")
		if len(s.parts) > 1 && p.recipientAt(s.parts[1]) >= 0 {
			named = r.list(p, s.parts[1])
		}
	case "to":
		st.Recipients = append(st.Recipients, "third-parties") // "with the hotel": someone no lexicon names
		to := s.parts[1]
		st.Evidence = append(st.Evidence, p.quote("recipient", to.from, min(to.to+1, len(p.toks))))
	case "legal":
		st.Recipients = append(st.Recipients, "law-enforcement")
	case "tracker":
		st.Recipients = append(st.Recipients, "third-parties")
	case "public":
		st.Recipients = append(st.Recipients, "public")
	}
	for _, h := range named {
		if key := r.recipientKey(p, h); !slices.Contains(st.Recipients, key) {
			st.Recipients = append(st.Recipients, key)
		}
		st.Evidence = append(st.Evidence, p.quote("recipient", h.from, h.to))
	}
	st.Evidence = append(st.Evidence, p.quote("action", v.from, v.to))
	r.complete(p, &st, v, named)
	switch {
	case st.Condition == "" && s.rule == "legal":
		st.Condition = "law"
	case st.Condition == "" && s.rule == "business":
		st.Condition = "merger"
	}
	if !st.Negated {
		if d, ok := r.denied(p, v); ok {
			st.Negated, s.cue, s.negated = true, d, true
			out.quotes = s.evidence(p.text, p.toks)
		}
	}
	if st.Negated {
		st.Evidence = append(st.Evidence, p.quote("negation", s.cue.from, s.cue.to))
	}
	out.Statement = st
	return out
}

// sourceFrom reads what the service receives from src through verb v.
func (r reader) sourceFrom(p *clauseParts, v, src hit, negated bool, cue hit) said {
	st := diff.Statement{Action: diff.ActionReceives, Negated: negated, Recipients: []string{r.recipientKey(p, src)}}
	st.Evidence = append(st.Evidence, p.quote("recipient", src.from, src.to), p.quote("action", v.from, v.to))
	r.complete(p, &st, v, []hit{src})
	if negated {
		st.Evidence = append(st.Evidence, p.quote("negation", cue.from, cue.to))
	}
	from, to := min(v.from, src.from), max(v.to, src.to)
	q := []Evidence{quote(p.text, p.toks, from, to)}
	if to-from > 12 {
		q = []Evidence{quote(p.text, p.toks, src.from, src.to), quote(p.text, p.toks, v.from, v.to)}
	}
	return said{Statement: st, verb: v.from, quotes: q}
}

// complete fills the data, purpose and condition of a statement whose verb
// is v and whose named recipients are named, and sorts its quotes.
func (r reader) complete(p *clauseParts, st *diff.Statement, v hit, named []hit) {
	st.Data = []string{}
	data := r.dataOf(p, v)
	if slices.ContainsFunc(data, func(d hit) bool { return d.key != "personal-information" }) {
		// "your phone number and other information": the category says
		// more than the word every category is.
		data = slices.DeleteFunc(data, func(d hit) bool { return d.key == "personal-information" })
	}
	for _, d := range data {
		if !slices.Contains(st.Data, d.key) {
			st.Data = append(st.Data, d.key)
		}
		st.Evidence = append(st.Evidence, p.quote("data", d.from, d.to))
	}
	if h, ok := r.purposeOf(p, v, named); ok {
		st.Purpose = purposeKey(h.key)
		st.Evidence = append(st.Evidence, p.quote("purpose", h.from, h.to))
	}
	if h, ok := conditionOf(p, v); ok {
		st.Condition = h.key
		st.Evidence = append(st.Evidence, p.quote("condition", h.from, h.to))
	}
	if st.Recipients == nil {
		st.Recipients = []string{}
	}
	slices.SortStableFunc(st.Evidence, func(a, b diff.Quote) int { return a.Start - b.Start })
}

// quote is the Quote of tokens [from, to) of the clause.
func (p *clauseParts) quote(part string, from, to int) diff.Quote {
	e := quote(p.text, p.toks, from, to)
	return diff.Quote{Part: part, Start: e.Start, End: e.End, Text: e.Text}
}

// action keys the verb of a statement, or, when the action lexicon does
// not know it, what the rule that found it says.
func (r reader) action(p *clauseParts, s statement, v hit) string {
	if h, ok := r.st.action.at(p.toks, v.from); ok {
		return h.key
	}
	switch s.rule {
	case "hand", "business":
		return diff.ActionTransfers
	case "subject", "agent", "tracker":
		return diff.ActionGivesAccess
	case "public", "legal", "object":
		return diff.ActionDiscloses
	}
	return diff.ActionShares
}

// list returns the recipient h with the recipients listed with it, joined
// by commas, "and", "or" and the like ("regulators, law enforcement and
// other authorities"), in order.
func (r reader) list(p *clauseParts, h hit) []hit {
	k := p.recipientAt(h)
	if k < 0 {
		return []hit{h}
	}
	from, to := k, k+1
	for from > 0 && r.joined(p, p.recip[from-1], p.recip[from]) {
		from--
	}
	for to < len(p.recip) && r.joined(p, p.recip[to-1], p.recip[to]) {
		to++
	}
	return p.recip[from:to]
}

// joined reports whether recipients a and b (b after a) are items of one
// list: in one sentence, with at most three joining words between them.
func (r reader) joined(p *clauseParts, a, b hit) bool {
	if !same(p.toks, a, b) || b.from-a.to > 3 {
		return false
	}
	for k := a.to; k < b.from; k++ {
		if !r.st.join.has(p.toks, hit{from: k}) {
			return false
		}
	}
	return true
}

// recipientKey keys a recipient with the vocabulary of package labels: a
// phrase of the statement lexicon that covers it exactly, else the key the
// sharing rules give it. A pronoun ("they", "estas empresas") is the
// recipient named before it; a named company the lexicons know only as a
// name is "org:" and its name as the clause writes it.
func (r reader) recipientKey(p *clauseParts, h hit) string {
	if h.key == "anaphor" {
		// The recipients do not overlap, so those that end by h.from
		// are the ones before the first that ends after it.
		k := sort.Search(len(p.recip), func(k int) bool { return p.recip[k].to > h.from }) - 1
		if k >= 0 && p.named[k] >= 0 {
			return r.recipientKey(p, p.recip[p.named[k]])
		}
		return "third-parties"
	}
	if x, ok := r.st.keys.at(p.toks, h.from); ok && x.to == h.to {
		return x.key
	}
	if h.key == "named" {
		return "org:" + p.text[p.toks[h.from].start:p.toks[h.to-1].end]
	}
	return recipientVocabulary(h.key)
}

// recipientVocabulary turns a recipient key of the sharing rules into one
// of the labels vocabulary: authorities and courts are law enforcement, an
// acquirer is a buyer, "others" and "anyone" other users, a company the
// rules name keeps its name, and a key the vocabulary lacks is third
// parties.
func recipientVocabulary(key string) string {
	if strings.HasPrefix(key, "org:") {
		return key // a company the rules know by name ("org:Google")
	}
	switch key {
	case "government":
		return "law-enforcement"
	case "acquirer":
		return "buyer"
	case "others":
		return "other-users" // "share your location with others", "anyone else"
	case "meta", "meta-companies", "third-parties", "partners", "advertisers", "affiliates",
		"service-providers", "law-enforcement", "data-brokers", "public", "other-users":
		return key
	}
	return "third-parties"
}

// dataOf returns the data categories a statement whose verb is v hands
// over: those after the verb in its sentence, up to the verb of the next
// statement and at most 40 words on, or, when there are none, those just
// before it ("your information will not be sold"). Examples in
// parentheses and words of a recipient ("data brokers") are no data.
func (r reader) dataOf(p *clauseParts, v hit) []hit {
	end := v.from + 40
	if k, _ := slices.BinarySearch(p.verbs, v.from+1); k < len(p.verbs) {
		end = min(end, p.verbs[k])
	}
	var after, before []hit
	for _, d := range span(p.data, v.from-objectWindow-maxPhrase, end) {
		if !same(p.toks, d, v) || p.paren[d.from] || p.inRecipient(d) {
			continue
		}
		switch {
		case d.from >= v.from && d.from < end:
			after = append(after, d)
		case d.to <= v.from && v.from-d.to <= objectWindow:
			before = append(before, d)
		}
	}
	if len(after) > 0 {
		return after
	}
	return before
}

// recipientAt returns the index in p.recip of the recipient h is, or lies
// inside ("Meta" in "las empresas de Meta"), or -1.
// The recipients are in order and none overlaps another, so only those
// from the first that ends at or after h.from on can hold h.
func (p *clauseParts) recipientAt(h hit) int {
	k := sort.Search(len(p.recip), func(k int) bool { return p.recip[k].to >= h.from })
	for ; k < len(p.recip) && p.recip[k].from <= h.from; k++ {
		if h.to <= p.recip[k].to {
			return k
		}
	}
	return -1
}

// inRecipient reports whether h overlaps a recipient.
func (p *clauseParts) inRecipient(h hit) bool { return overlapsAny(p.recip, h) }

// overlapsAny reports whether h overlaps one of hs, which are in order and
// do not overlap one another (as outermost returns them): only the first
// that ends after h starts can.
func overlapsAny(hs []hit, h hit) bool {
	k := sort.Search(len(hs), func(k int) bool { return hs[k].to > h.from })
	return k < len(hs) && hs[k].from < h.to
}

// purposeRank orders the purposes a statement may name, the most telling
// first: a statement that names several ("to improve ... or provide you
// more relevant ad experiences") is about the first of them in this order.
func purposeRank() []string {
	return []string{"ai", "advertising", "marketing", "own-purposes", "personalization", "analytics",
		"improvement", "safety", "legal", "service"}
}

// purposeKey keys a purpose of the lexicon with the labels vocabulary.
func purposeKey(key string) string {
	switch key {
	case "development":
		return "improvement"
	case "research", "measurement":
		return "analytics"
	case "commercial":
		return "marketing"
	}
	return key
}

// purposeOf finds what a statement hands data over for: a purpose at most
// eight words after a cue ("to", "for", "para") that stands after the verb
// in its sentence, outside parentheses, recipients and data; the most
// telling one when there are several.
func (r reader) purposeOf(p *clauseParts, v hit, named []hit) (hit, bool) {
	if p.purposes == nil {
		p.purposes = bestPurposes(p)
	}
	k := start(p.cue, v.to)
	if k == len(p.cue) || !same(p.toks, p.cue[k], v) {
		return hit{}, false
	}
	b := p.purposes[k]
	return b.h, b.rank < len(purposeRank())
}

// bestPurposes returns, for each cue of a clause, the most telling purpose
// named after that cue or a later one of its sentence (the first such
// cue's when several name equally telling ones), so that purposeOf finds
// a verb's purpose with one look-up: the purposes a cue introduces do not
// depend on the verb before it.
func bestPurposes(p *clauseParts) []ranked {
	rank := purposeRank()
	out := make([]ranked, len(p.cue))
	for i := len(p.cue) - 1; i >= 0; i-- {
		c := p.cue[i]
		own := ranked{rank: len(rank)}
		if !p.paren[c.from] {
			for _, h := range span(p.purpose, c.to, c.to+9) {
				if !same(p.toks, h, c) || p.paren[h.from] || p.inRecipient(h) || overlapsAny(p.data, h) {
					continue
				}
				if k := slices.Index(rank, purposeKey(h.key)); k >= 0 && k < own.rank {
					own = ranked{h, k}
				}
			}
		}
		out[i] = own
		if i+1 < len(p.cue) && same(p.toks, p.cue[i+1], c) && out[i+1].rank < own.rank {
			out[i] = out[i+1]
		}
	}
	return out
}

// conditionRank orders conditions, the one a statement is read with first.
func conditionRank() []string { return []string{"consent", "choice", "request", "law", "merger"} }

// conditionOf finds the condition of a statement in the sentence of its
// verb ("If you choose to sign up ..., Meta receives ...").
func conditionOf(p *clauseParts, v hit) (hit, bool) {
	if p.conditions == nil {
		p.conditions = bestConditions(p)
	}
	b, ok := p.conditions[p.toks[v.from].sentence]
	return b.h, ok
}

// bestConditions returns the first of the most telling conditions of
// each sentence of a clause, outside parentheses, keyed by sentence: the
// condition of a statement does not depend on where its verb stands in
// the sentence.
func bestConditions(p *clauseParts) map[int]ranked {
	rank := conditionRank()
	out := map[int]ranked{}
	for _, h := range p.condition {
		if p.paren[h.from] {
			continue
		}
		k := slices.Index(rank, h.key)
		if k < 0 {
			continue
		}
		s := p.toks[h.from].sentence
		if b, ok := out[s]; !ok || k < b.rank {
			out[s] = ranked{h, k}
		}
	}
	return out
}

// denied reports whether the subject of a passive statement denies it
// from the head of its sentence: "Nothing you share on WhatsApp ... will
// be shared onto Facebook", "Ninguno de tus mensajes se compartirá". The
// negation cues of the sharing rules stand close before the verb; this
// quantifier stands where the subject does, before a passive verb (an
// auxiliary of the passive right before it), with nothing but an opener
// ("however") before it in the sentence.
func (r reader) denied(p *clauseParts, v hit) (hit, bool) {
	passive := false
	for k := v.from - 1; k >= 0 && k >= v.from-2; k-- {
		if r.lx.be.has(p.toks, hit{from: k}) {
			passive = true
		}
	}
	if !passive {
		return hit{}, false
	}
	for _, d := range span(p.denial, v.from-25-maxPhrase, v.from) {
		if d.to > v.from || v.from-d.to > 25 || !same(p.toks, d, v) {
			continue
		}
		k := d.from - 1
		for k >= 0 && same(p.toks, hit{from: k}, d) && r.st.opener.has(p.toks, hit{from: k}) {
			k--
		}
		if k < 0 || !same(p.toks, hit{from: k}, d) {
			return d, true
		}
	}
	return hit{}, false
}

// saidList is the statements of a clause in the order they were read,
// with the index of each verb's statement.
type saidList struct {
	list []said
	at   map[int]int // verb -> index in list
}

// merge adds s to the list, or merges it into the statement with the
// same verb ("Meta One, Meta receives": two recipients of one verb).
func (l *saidList) merge(s said) {
	k, ok := l.at[s.verb]
	if !ok {
		l.at[s.verb] = len(l.list)
		l.list = append(l.list, s)
		return
	}
	x := &l.list[k]
	for _, r := range s.Recipients {
		if !slices.Contains(x.Recipients, r) {
			x.Recipients = append(x.Recipients, r)
		}
	}
	for _, d := range s.Data {
		if !slices.Contains(x.Data, d) {
			x.Data = append(x.Data, d)
		}
	}
	for _, q := range s.Evidence {
		if !slices.Contains(x.Evidence, q) {
			x.Evidence = append(x.Evidence, q)
		}
	}
	slices.SortStableFunc(x.Evidence, func(a, b diff.Quote) int { return a.Start - b.Start })
	x.Negated = x.Negated && s.Negated
	x.quotes = tidy(append(x.quotes, s.quotes...))
}
