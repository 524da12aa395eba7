package topics

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexicon is what one language says about sharing and the other topics,
// written for that language rather than translated word by word. Each list
// holds phrases in the syntax of compileSet.
type lexicon struct {
	// give: verbs by which the service hands data over ("share",
	// "disclose", "compartir", "ceder", "transmettre"). They make a sharing
	// statement only with a recipient in the same sentence.
	give []string
	// hand: verbs that hand something over but also mean much else
	// ("provide", "give", "send"): they make a sharing statement only
	// with a recipient after them ("provide your address to marketing
	// companies", not "provide advertising on third-party sites").
	hand []string
	// sell: verbs of sale or rental, which need no recipient: selling data
	// is handing it to someone.
	sell []string
	// recipient: who other than the service gets the data, with keys
	// ("=> meta-companies") so that severity can tell a new recipient from
	// a renamed one.
	recipient []string
	// place: words that, right after a recipient, make it a place rather
	// than a party ("third-party websites", "sitios de terceros" is
	// handled by the lexicon's word order).
	place []string
	// user: the user as a subject ("you", "users", "tú"), whose own
	// sharing is not the service's.
	user []string
	// aux: words that may stand between the user and the verb whose
	// subject the user is ("may", "choose", "to").
	aux []string
	// anaphor: pronouns that stand for a recipient named before ("they",
	// "these companies", "estos terceros").
	anaphor []string
	// company: the words that close a company's name ("Inc", "LLC",
	// "Limited", "GmbH", "S.L."), matched only when written with a
	// capital after capitalised words: "Stripe, Inc." is a recipient no
	// lexicon can list, "not limited to" is nothing.
	company []string
	// wish: a condition on what the user wants that governs its whole
	// sentence ("if you do not want us to use personal information that
	// we gather to allow third parties to ...", "to opt out of"): an
	// opt-out instruction, however far the verb.
	wish []string
	// noun: sharing verbs used as nouns, which a choice right after them
	// makes the name of a choice ("Disclosure Opt-out", "sharing
	// preferences").
	noun []string
	// passiveSuffix: the pronoun fused to an infinitive that makes it
	// passive after a modal ("podrán cederse"); "" when the language has
	// none.
	passiveSuffix string
	// weSuffix: the ending of a verb whose subject is the service, for
	// languages that drop the pronoun ("compartimos"); "" for none.
	weSuffix string
	// ask: words that, right before a statement that names no recipient,
	// make it the heading of a section or a list ("With whom do we share
	// the information we gather", "what we share"): unlike frame, they
	// also introduce relative clauses ("the partners with whom we share
	// data"), whose recipient the give rule finds anyway.
	ask []string
	// modal: the verbs that make a passive disclosure a practice ("may
	// be disclosed", "will not be sold", "se pueden divulgar").
	modal []string
	// cookie: tracking technology ("cookies", "web beacons", "pixel
	// tags") that, followed by a recipient as its agent or owner, makes a
	// statement: "cookies provided by third parties".
	cookie []string
	// by: the words that name who places a tracker ("by", "from", "of").
	by []string
	// us: the service as the one a handing verb hands to, right after it
	// ("send us a message on Twitter", "provide us with"), unless a word
	// of and joins a recipient to it ("enables us and our partners").
	us, and []string
	// article: words that, capitalised at the start of a sentence, are no
	// part of a company's name ("The", "Our", "La").
	article []string
	// disclose: verbs that say data goes out even without a recipient
	// ("we may disclose your information"), unlike "share", which also
	// means showing something to one's contacts.
	disclose []string
	// choice: a choice offered to the user about sharing ("opt out of",
	// "choose not to"), which makes a user-rights clause.
	choice []string
	// accident: words that make a disclosure an accident or a risk, a
	// security matter rather than a sharing practice ("unauthorized
	// disclosure", "may unlawfully intercept").
	accident []string
	// engage: verbs by which the service takes on a recipient to act for
	// it ("we use outside vendors to process payments", "we engage service
	// providers", "we contract with a mailing house"); the recipient comes
	// right after them.
	engage []string
	// legal: what compels or justifies a disclosure ("required by law",
	// "subpoena", "to protect our rights", "investigate fraud"): a
	// sharing verb with one discloses to authorities or claimants even
	// when the sentence does not name them ("we disclose it when the law
	// demands it").
	legal []string
	// toself: the service as the one that gets data ("with us", "to us").
	toself []string
	// public: phrases that make data public by themselves ("display it
	// publicly", "made public"): everyone is the recipient.
	public []string
	// idiom: a word that, right before a handing verb, makes it part of
	// an idiom ("look forward to").
	idiom []string
	// onward: verbs that pass data on, which with towhom ("with the", "to
	// a") make a sharing statement even when the recipient is in no
	// lexicon ("forward your ticket to the venue").
	onward []string
	// towhom: a preposition and a determiner that introduce a recipient;
	// nobody: the words after them that are no recipient ("to the
	// extent", "with one another", "to a hard drive").
	towhom, nobody []string
	// move, abroad: a verb that moves data ("transfer") to a country
	// named before any recipient ("transferred to the United States",
	// "across borders") states where data goes, an international
	// transfer, not to whom.
	move, abroad []string
	// secret: what the user is told to keep to themselves ("do not share
	// your password with anyone"): advice on security, not sharing.
	secret []string
	// toyou: the user as the one who gets something, right after the
	// verb ("to you", "you with").
	toyou []string
	// handle: what the service itself does with data ("collect", "use"),
	// the verbs a disclosing verb closes a list of.
	handle []string
	// frame: the words that announce such a list ("how", "whether",
	// "knowingly").
	frame []string
	// be: the auxiliaries of the passive voice ("is", "will be", "serán").
	be []string
	// self: the words by which the service and the user name themselves
	// as subjects ("we", "you"), which no recipient stands for.
	self []string
	// disclaimer: words that disclaim other services' practices ("not
	// responsible for", "governed by their own"); what a recipient does
	// after one in its sentence is no practice of the service, what it
	// does before one still is ("ad networks may use cookies on this site,
	// as their own privacy policies explain").
	disclaimer []string
	// notice: words of a notice about a law that lets the user ask which
	// recipients got data (California's "Shine the Light": users may ask
	// for a list of recipients). Such a notice states the user's right,
	// not a practice of the service: a user-rights clause. An entry keyed
	// "=> law" names the law and covers its sentence and the rest of the
	// clause, which explains the law; the others cover their sentence. A
	// sale stays a sale.
	notice []string
	// collect: what a recipient does when it is the subject ("advertisers
	// may collect", "los terceros reciben", "ont accès").
	collect []string
	// passive: the forms of collect that take a passive agent ("collected
	// by", "used by"); when empty, collect is used ("we use tools built
	// by partners" is no passive).
	passive []string
	// agent: the word of a passive agent ("by", "por", "par", "von"):
	// "collected by third parties".
	agent []string
	// data: the object of a sale ("information", "datos personales").
	data []string
	// business: corporate events in which data goes to a buyer.
	business []string
	// tracker: third-party technology that collects by itself
	// ("third-party cookies", "Google Analytics", "social plugins").
	tracker []string
	// negation cues, and exceptions that turn a denial into a condition
	// ("we do not share ... except", "salvo").
	negation, exception []string
	// negAfter: how many words after the verb a negation may stand (German
	// puts "nicht" after the verb: "Wir verkaufen Ihre Daten nicht").
	negAfter int
	// purpose: what data is shared for, keyed, for severity.
	purpose []string
	// yours: verb forms whose subject is the user, for languages that drop
	// the pronoun ("si compartes", "cuando nos proporcionas"): the user's
	// own sharing, like "you share" in English.
	yours []string
	// selfClitic, youClitic: an object pronoun right before the verb that
	// makes the service ("los socios nos envían") or the user ("te
	// enviamos ofertas") the one that gets something; selfSuffix and
	// youSuffix are the same pronouns fused to an infinitive or a gerund
	// ("enviarnos", "proporcionarte", "enviándote").
	selfClitic, youClitic, selfSuffix, youSuffix []string
	// of: the preposition by which the noun before a recipient belongs to
	// it or comes from it ("sitios web de terceros", "datos de
	// terceros"): the recipient then owns a place or is a source, it gets
	// nothing. English says "third-party websites" (see place) instead.
	of []string
	// frameWindow: how many words before a list of what the service does
	// a frame word may stand (5 when 0). Spanish "como" also means "as",
	// so it only frames the verb right after it ("cómo recopilamos").
	frameWindow int
	// accidentAfter: how many words after the verb an accident word may
	// stand, for languages that put the adjective after the noun
	// ("divulgación no autorizada"); English puts it before.
	accidentAfter int
	// topics: the other topics.
	topics []topicRule
}

// topicRule tags a topic when one of any is found and, when with is not
// empty, one of with stands in the same sentence within window words.
type topicRule struct {
	topic  string
	any    []string
	with   []string
	window int
}

// compiled is a lexicon ready to match.
type compiled struct {
	lang                                               string
	give, hand, sell, recipient, collect, agent, data  *lexset
	business, tracker, negation, exception, purpose    *lexset
	place, user, disclose, choice, disclaimer, anaphor *lexset
	accident, be, notice, toself, legal, engage, toyou *lexset
	passive, secret, move, abroad, onward, towhom      *lexset
	nobody, public, idiom, yours, of, company, us      *lexset
	cookie, and, modal, wish, noun                     *lexset
	by                                                 phraseList
	aux, self, handle, frame, selfClitic, youClitic    map[string]bool
	ask                                                map[string]bool
	article                                            map[string]bool
	passiveSuffix, weSuffix                            string
	selfSuffix, youSuffix                              []string
	negAfter, frameWindow, accidentAfter               int
	rules                                              []compiledRule
}

type compiledRule struct {
	topic     string
	any, with *lexset
	window    int
}

func compileLexicon(lang string, l lexicon) *compiled {
	c := &compiled{
		lang: lang, give: compileSet(l.give), sell: compileSet(l.sell), recipient: compileSet(l.recipient),
		collect: compileSet(l.collect), agent: compileSet(l.agent), data: compileSet(l.data),
		business: compileSet(l.business), tracker: compileSet(l.tracker), negation: compileSet(l.negation),
		exception: compileSet(l.exception), purpose: compileSet(l.purpose), negAfter: l.negAfter,
		hand: compileSet(l.hand), place: compileSet(l.place), user: compileSet(l.user),
		disclose: compileSet(l.disclose), anaphor: compileSet(l.anaphor), aux: map[string]bool{},
		accident: compileSet(l.accident), be: compileSet(l.be), self: map[string]bool{}, choice: compileSet(l.choice),
		disclaimer: compileSet(l.disclaimer), notice: compileSet(l.notice), toself: compileSet(l.toself),
		toyou: compileSet(l.toyou), legal: compileSet(l.legal), engage: compileSet(l.engage),
		secret: compileSet(l.secret), move: compileSet(l.move), abroad: compileSet(l.abroad),
		onward: compileSet(l.onward), towhom: compileSet(l.towhom), nobody: compileSet(l.nobody),
		public: compileSet(l.public), idiom: compileSet(l.idiom), handle: map[string]bool{}, frame: map[string]bool{},
		yours: compileSet(l.yours), of: compileSet(l.of), selfClitic: map[string]bool{}, youClitic: map[string]bool{},
		selfSuffix: l.selfSuffix, youSuffix: l.youSuffix, frameWindow: l.frameWindow, accidentAfter: l.accidentAfter,
		company: compileSet(l.company), article: map[string]bool{}, us: compileSet(l.us),
		cookie: compileSet(l.cookie), and: compileSet(l.and), modal: compileSet(l.modal),
		wish: compileSet(l.wish), noun: compileSet(l.noun), passiveSuffix: l.passiveSuffix, weSuffix: l.weSuffix, by: phraseList(compileSet(l.by).phrases),
	}
	c.ask = map[string]bool{}
	for _, w := range l.ask {
		c.ask[fold(w)] = true
	}
	for _, w := range l.article {
		c.article[fold(w)] = true
	}
	if c.frameWindow == 0 {
		c.frameWindow = 5
	}
	for _, w := range l.selfClitic {
		c.selfClitic[fold(w)] = true
	}
	for _, w := range l.youClitic {
		c.youClitic[fold(w)] = true
	}
	for _, w := range l.aux {
		c.aux[fold(w)] = true
	}
	if len(l.passive) > 0 {
		c.passive = compileSet(l.passive)
	}
	for _, w := range l.frame {
		c.frame[fold(w)] = true
	}
	for _, w := range l.handle {
		c.handle[fold(w)] = true
	}
	for _, w := range l.self {
		c.self[fold(w)] = true
	}
	for _, r := range l.topics {
		cr := compiledRule{topic: r.topic, any: compileSet(r.any), window: r.window}
		if len(r.with) > 0 {
			cr.with = compileSet(r.with)
		}
		if cr.window == 0 {
			cr.window = 20
		}
		c.rules = append(c.rules, cr)
	}
	return c
}

// statement is one sharing statement found in a sentence: the hits that
// make it (verb, recipient, ...), the cue that negates it if any.
type statement struct {
	rule    string
	parts   []hit
	negated bool
	cue     hit
}

// evidence quotes a statement: one phrase from its first to its last part
// (and from the negation cue) when they are close, each part on its own
// otherwise, so that a quote stays short enough to read in an email.
func (s statement) evidence(text string, toks []token) []Evidence {
	parts := s.parts
	if s.negated {
		parts = append([]hit{s.cue}, parts...)
	}
	from, to := parts[0].from, parts[0].to
	for _, p := range parts[1:] {
		from, to = min(from, p.from), max(to, p.to)
	}
	if to-from <= 12 {
		return []Evidence{quote(text, toks, from, to)}
	}
	ev := make([]Evidence, 0, len(parts))
	for _, p := range parts {
		ev = append(ev, quote(text, toks, p.from, p.to))
	}
	return ev
}

func quote(text string, toks []token, from, to int) Evidence {
	s, e := toks[from].start, toks[to-1].end
	return Evidence{Start: s, End: e, Text: text[s:e]}
}

// Windows of the sharing rules, in words.
const (
	giveWindow     = 25      // a sharing verb and its recipient
	handWindow     = 12      // a handing verb and the recipient after it
	objectWindow   = 8       // a sharing verb and the data it shares
	subjectWindow  = 14      // a recipient and what it does after it
	agentWindow    = 4       // a collecting verb and "by" + recipient
	negWindow      = 6       // a negation cue before the verb
	userWindow     = 4       // the user as the subject before a verb
	sentenceWide   = 1 << 30 // anywhere before the verb in its sentence
	choiceWindow   = 8       // a choice before the verb it is about
	accidentWindow = 6       // an accident before the verb it makes one
	selfWindow     = 8       // a verb and "to us" after it
	engageWindow   = 3       // an engaging verb and the recipient right after it
	secretWindow   = 4       // a verb and the secret it is about
	towhomWindow   = 12      // a sharing verb and "with the ..." after it
)

// sharing finds the sharing statements of a clause, sentence by sentence:
//
//  1. a sharing verb and a recipient in the same sentence ("we share
//     information with our partners", "a terceros a los que cedemos"), or
//     a handing verb followed by its recipient ("we provide your address
//     to marketing companies", "make it accessible to our affiliates"),
//     or an engaging verb right before one ("we use outside vendors to
//     process payments", "we use Salesforce"). Recipients include brands
//     ("Google", "Meta") and companies named by their legal form ("Acme
//     Payments, Inc."), the latter only after the verb: before it, such a
//     name is mostly the service itself;
//  2. a sharing or passing verb followed by "with the", "to a", "outside
//     the" ... when no lexicon names the recipient ("we share your booking
//     with the hotel", "we transmit the card number to the issuer");
//  3. a disclosing or selling verb with data as its object, whoever gets
//     it ("we may disclose your personal information", "no vendemos tus
//     datos"), a sharing verb with the service as its subject and data as
//     its object ("we also share information about our audience",
//     "compartimos información agregada"), a passive sharing verb with a
//     modal ("it may be disclosed", "se pueden divulgar"), or a sharing
//     verb with what compels it ("we disclose it when the law demands it");
//  4. a recipient followed by what it does ("advertisers may collect",
//     "Meta receives", "service providers have access to"), or a collecting
//     or handling verb with the recipient as agent ("collected by third
//     parties", "processed through PayPal");
//  5. third-party tracking technology ("third-party cookies", "third-party
//     ad servers"), or a tracker placed by a recipient ("cookies provided
//     by third parties", "píxeles de nuestros socios");
//  6. data made public ("displayed publicly", "made publicly available",
//     "we may publish your name");
//  7. a corporate event (merger, acquisition, bankruptcy) with a sharing
//     verb or a recipient;
//  8. the items of a list whose lead-in ends with a colon and holds a
//     sharing verb ("We may share your information with: • service
//     providers; • law enforcement"), each item that names a recipient or
//     what compels the disclosure (see items, and ClassifyItem for items
//     that are clauses of their own).
//
// Some statements are not the service's sharing practice and are vetoed:
// a verb whose subject is the user or other people ("you may share", "si
// compartes", "children should not disclose", "other users may share",
// "please do not disclose"), a choice offered to the user ("opt out of
// sharing", "if you do not want us to ... allow third parties",
// "Disclosure Opt-out": a user-rights clause), an accident or a risk
// ("unauthorized disclosure", "may unlawfully intercept"), a question or a
// heading ("Do we share your information?", "With whom we share", "When
// Your Data May Be Shared"), a disclaimer about other services before the
// verb ("we are not responsible for the practices of third parties"), the
// service or the user as the one who gets the data ("shares it with us",
// "send us a message", "disclosed to you"), a secret the user keeps ("never
// give out your password"), a transfer to a country rather than to
// someone, and a notice of a right to know who got the data (California's
// "Shine the Light", HIPAA's accounting of disclosures). Each veto is
// narrow enough to leave a sharing statement beside it: a risk far before
// a verb that names its recipient ("intercepted, monitored ... and
// disclosed to law enforcement") is no accident, and a notice covers its
// own sentence and what follows the law's name, not the sentences before.
func (c *compiled) sharing(toks []token) []statement { return c.scan(toks, nil) }

// scan is sharing that also appends to vetoed, when not nil, the
// statements a veto removed, their rule written "rule/veto", so that an
// evaluation can tell which vetoes cost recall.
func (c *compiled) scan(toks []token, vetoed *[]statement) []statement {
	give := c.give.find(toks)
	hand := c.hand.find(toks)
	sell := c.sell.find(toks)
	recip := c.recipients(toks)
	if len(recip) > 0 {
		recip = c.anaphora(toks, recip)
	}
	tracker := c.tracker.find(toks)
	business := c.business.find(toks)
	public := c.public.find(toks)
	if len(give)+len(hand)+len(sell)+len(recip)+len(tracker)+len(business)+len(public) == 0 {
		return nil
	}
	collect := c.collect.find(toks)
	data := c.data.find(toks)
	neg := c.negation.find(toks)
	exc := c.exception.find(toks)
	agent := c.agent.find(toks)
	user := c.user.find(toks)
	accident := c.accident.find(toks)
	be := c.be.find(toks)
	choice := c.choices(toks)
	wish := c.wish.find(toks)
	toself := c.toself.find(toks)
	secret := c.secret.find(toks)
	abroad := c.abroad.find(toks)
	disclaimer := c.disclaimer.find(toks)
	notice, law := map[int]bool{}, len(toks)
	for _, n := range c.notice.find(toks) {
		notice[toks[n.from].sentence] = true
		if n.key == "law" {
			law = min(law, toks[n.from].sentence)
		}
	}

	var out []statement
	add := func(rule string, verb hit, parts ...hit) {
		veto := ""
		switch {
		case toks[verb.from].question:
			veto = "question"
		case c.byUser(toks, verb, user) || c.yours.has(toks, verb):
			veto = "user"
		case before(toks, verb, choice, choiceWindow) || after(toks, verb, choice, 2) && c.noun.has(toks, verb) ||
			before(toks, verb, wish, sentenceWide):
			veto = "choice"
		case before(toks, verb, accident, accidentWindow) || after(toks, verb, accident, c.accidentAfter) ||
			before(toks, verb, accident, sentenceWide) && !toWhom(rule, verb, parts):
			veto = "accident"
		case rule != "give" && rule != "hand" && rule != "object" && before(toks, verb, disclaimer, sentenceWide):
			veto = "disclaimer"
		case (rule == "object" || rule == "give" && parts[1].to <= verb.from) && c.toSelf(toks, verb, toself):
			veto = "to-self"
		case rule == "give" && parts[1].to <= verb.from && c.named(toks, parts[1]):
			veto = "named" // "Caribou Coffee Company, Inc. knows how information is shared": the service itself
		case rule == "hand" && c.us.has(toks, hit{from: verb.to}) && !c.and.has(toks, hit{from: verb.to + 1}):
			veto = "to-self" // "send us a message on Twitter"
		case (rule == "object" || rule == "hand") && c.toUser(toks, verb):
			veto = "to-user"
		case rule != "engage" && c.clitic(toks, verb, c.selfClitic, c.selfSuffix):
			veto = "to-self" // "los socios nos envían", "enviarnos"
		case rule != "engage" && c.clitic(toks, verb, c.youClitic, c.youSuffix):
			veto = "to-user" // "te enviamos ofertas de socios"
		case len(secret) > 0 && after(toks, verb, secret, secretWindow):
			veto = "secret"
		case len(abroad) > 0 && c.move.has(toks, verb) && c.toCountry(toks, verb, abroad, recip):
			veto = "abroad"
		case (toks[verb.from].sentence >= law || notice[toks[verb.from].sentence]) && !c.sell.has(toks, verb):
			veto = "notice"
		}
		if veto != "" {
			if vetoed != nil {
				*vetoed = append(*vetoed, statement{rule: rule + "/" + veto, parts: parts})
			}
			return
		}
		s := statement{rule: rule, parts: parts}
		s.cue, s.negated = c.negated(toks, verb, neg, exc)
		out = append(out, s)
	}
	strong := append(append([]hit{}, give...), sell...)
	for _, v := range strong {
		if v.from > 0 && c.idiom.has(toks, hit{from: v.from - 1}) {
			continue // "local shared objects"
		}
		if r, ok := nearest(toks, v, recip, giveWindow); ok && !c.framed(toks, v, nil) {
			add("give", v, v, r)
		}
	}
	var towhom []hit
	foundTowhom := false
	for _, v := range c.onward.find(toks) {
		if _, ok := nearest(toks, v, recip, giveWindow); ok {
			continue // already a "give" statement
		}
		if !foundTowhom {
			towhom, foundTowhom = c.towhom.find(toks), true
		}
		if to, ok := c.someone(toks, v, towhom); ok {
			add("to", v, v, to)
		}
	}
	for _, v := range append(c.disclose.find(toks), sell...) {
		if _, ok := nearest(toks, v, recip, giveWindow); ok {
			continue // already a "give" statement
		}
		if c.inList(toks, v) || c.framed(toks, v, c.ask) {
			continue // "how we collect, use and disclose what you give us", "con quién compartimos tu información"
		}
		if d, ok := c.object(toks, v, data, be); ok {
			add("object", v, v, d)
		}
	}
	for _, v := range give {
		if _, ok := nearest(toks, v, recip, giveWindow); ok {
			continue // already a "give" statement
		}
		if m, ok := c.mayBe(toks, v, be); ok && !c.framed(toks, m, c.ask) && !heading(toks, m, v) {
			add("passive", v, m, v) // "your posts may be shared", "se pueden divulgar"
		} else if d, ok := c.object(toks, v, data, nil); ok && c.bySelf(toks, v) && !c.move.has(toks, v) && !c.framed(toks, v, c.ask) && !c.inList(toks, v) {
			add("we", v, v, d) // "we also share information about our audience in aggregate form"
		}
	}
	if len(strong) > 0 {
		legal := c.legal.find(toks)
		for _, v := range strong {
			if _, ok := nearest(toks, v, recip, giveWindow); ok {
				continue // already a "give" statement
			}
			if l, ok := nearest(toks, v, legal, giveWindow); ok {
				add("legal", v, v, l)
			}
		}
	}
	var of []hit
	engage := c.engage.find(toks)
	if len(engage) > 0 && len(c.of.phrases) > 0 {
		of = c.of.find(toks)
	}
	for _, v := range engage {
		for _, r := range span(recip, v.to, v.to+engageWindow+1) {
			if same(toks, v, r) {
				byAgent := r.from > 0 && c.agent.has(toks, hit{from: r.from - 1})                      // "use apps created by Amazon"
				if r.key != "others" && r.key != "public" && !byAgent && !ownedBy(toks, r, of, data) { // "the use of it by anyone" is no engagement
					add("engage", v, v, r)
				}
				break
			}
		}
	}
	for _, v := range hand {
		if v.from > 0 && c.idiom.has(toks, hit{from: v.from - 1}) {
			continue // "we look forward to working with Facebook"
		}
		for _, r := range span(recip, v.to, v.to+handWindow+1) {
			if same(toks, v, r) {
				if !c.placeBetween(toks, v, r) && !c.agent.has(toks, hit{from: v.to, to: v.to + 1}) {
					add("hand", v, v, r) // "supplied by partners" names who gives, not who gets
				}
				break
			}
		}
	}
	for _, r := range recip {
		if r.key == "others" || c.named(toks, r) {
			continue // "others cannot log in as you", "anyone may use the photos", "Acme, Inc. collects"
		}
		for _, v := range span(collect, r.to, r.to+subjectWindow+1) {
			if same(toks, r, v) && !c.otherSubject(toks, r, v) {
				add("subject", v, r, v)
				break
			}
		}
	}
	passive := collect
	if c.passive != nil {
		passive = c.passive.find(toks)
	}
	for _, v := range passive {
		for _, a := range span(agent, v.to, v.to+agentWindow+1) {
			if same(toks, v, a) {
				if r, ok := nearest(toks, a, recip, agentWindow); ok && r.from > a.from {
					add("agent", v, v, r)
				}
			}
		}
	}
	c.items(toks, append(append(append([]hit{}, strong...), hand...), c.disclose.find(toks)...), recip, add)
	for _, t := range tracker {
		add("tracker", t, t)
	}
	if len(recip) > 0 && len(c.cookie.phrases) > 0 {
		for _, k := range c.cookie.find(toks) {
			if r, ok := c.placedBy(toks, k, recip); ok {
				add("cookie", k, k, r)
			}
		}
	}
	for _, p := range public {
		add("public", p, p)
	}

	if len(business) > 0 {
		sorted := slices.Clone(strong)
		slices.SortFunc(sorted, func(x, y hit) int { return x.from - y.from })
		for _, b := range business {
			for _, hs := range [][]hit{sorted, hand, recip} {
				if v, ok := inSentence(toks, b, hs); ok {
					add("business", v, b, v)
					break
				}
			}
		}
	}
	return out
}

// recipients finds the recipients of a clause, leaving out those followed
// by a word that makes them a place rather than a party ("third-party
// websites", "third parties' privacy policies").
func (c *compiled) recipients(toks []token) []hit {
	rs := c.recipient.find(toks)
	if names := c.companies(toks, rs); len(names) > 0 {
		rs = append(rs, names...)
		slices.SortFunc(rs, func(x, y hit) int { return x.from - y.from })
	}
	if len(rs) == 0 {
		return rs
	}
	places := c.place.find(toks)
	var of []hit
	if len(c.of.phrases) > 0 {
		of = c.of.find(toks)
	}
	out := rs[:0]
	for _, r := range rs {
		keep := !ownedBy(toks, r, of, places)
		for _, p := range span(places, r.to, r.to+2) {
			if p.from == r.to || (p.from == r.to+1 && toks[r.to].word == "s") {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	return out
}

// phraseList is a short list of phrases tried one by one at a given
// position, for the few sets that are only ever matched there.
type phraseList []phrase

// matchAt returns where the first phrase of l that matches at toks[i]
// ends.
func (l phraseList) matchAt(toks []token, i int) (int, bool) {
	for _, p := range l {
		if to, ok := p.matchAt(toks, i); ok {
			return to, true
		}
	}
	return 0, false
}

// placedBy finds the recipient that places a tracker, named right
// after it or after a participle: "cookies provided by third parties",
// "web beacons from our advertising partners", "cookies of ad networks"
// ("cookies is available from Adobe" says where to read about them). Cookies placed by
// others are sharing whatever the service says of them: the others
// collect on the service's pages.
func (c *compiled) placedBy(toks []token, k hit, recip []hit) (hit, bool) {
	for j := k.to; j < len(toks) && j <= k.to+1 && toks[j].sentence == toks[k.from].sentence; j++ {
		end, ok := c.by.matchAt(toks, j)
		if !ok {
			continue
		}
		for _, r := range span(recip, end, end+3) {
			if same(toks, r, k) {
				return r, true
			}
		}
		return hit{}, false
	}
	return hit{}, false
}

// maxName is how many capitalised words before "Inc" or "Limited" a
// company's name may have ("Meta Platforms Ireland Limited").
const maxName = 5

// companies finds the companies a clause names by their legal form, which
// no lexicon can list: capitalised words closed by a capitalised company
// word ("Stripe, Inc.", "Acme Payments Ltd", "Meta Platforms Ireland
// Limited"). A name that overlaps a recipient of the lexicon is that
// recipient (known, below, takes it), so that "Meta Platforms, Inc." stays
// the Meta Companies. Each name is keyed "org:" and its words ("org:Acme
// Payments", as labels.Recipient names it), so that a company added to a
// clause is a new recipient.
func (c *compiled) companies(toks []token, known []hit) []hit {
	if len(c.company.phrases) == 0 {
		return nil
	}
	var out []hit
	for _, s := range c.company.find(toks) {
		if !toks[s.from].title {
			continue // "not limited to"
		}
		from := s.from
		for from > 0 && s.from-from < maxName && toks[from-1].title && toks[from-1].sentence == toks[s.from].sentence &&
			!c.article[toks[from-1].word] && !c.company.has(toks, hit{from: from - 1}) {
			from--
		}
		if from == s.from {
			continue // "Limited" alone names nobody
		}
		h := hit{from: from, to: s.to}
		if slices.ContainsFunc(span(known, h.from-maxPhrase, h.to), func(k hit) bool { return overlaps(k, h) }) {
			continue
		}
		words := make([]string, 0, s.from-from)
		for _, t := range toks[from:s.from] {
			// Every word of the name is capitalised: the key writes it
			// so ("org:Northwind Payments"), accents and inner capitals
			// lost to folding.
			r, size := utf8.DecodeRuneInString(t.word)
			words = append(words, string(unicode.ToUpper(r))+t.word[size:])
		}
		h.key = "org:" + strings.Join(words, " ")
		out = append(out, h)
	}
	return out
}

// named reports whether recipient r is a company named by its legal form
// ("Acme, Inc."), the way a policy names the service itself in its first
// lines ("Acme, Inc. collects information ..."): such a name is a
// recipient of the service's sharing, never the subject of rule 4.
func (c *compiled) named(toks []token, r hit) bool {
	if !strings.HasPrefix(r.key, "org:") {
		return false
	}
	for k := r.from + 1; k < r.to; k++ {
		if toks[k].title && c.company.has(toks, hit{from: k}) {
			return true
		}
	}
	return false
}

// ownedBy reports whether a recipient only owns or is the source of the
// noun before it, joined to it by one of the "of" words found in the
// clause (of): "sitios web de terceros"
// (a place, with hs the places), "utilizamos datos de terceros" (data it
// gave, with hs the data). Languages without of words never say so.
func ownedBy(toks []token, r hit, of, hs []hit) bool {
	for _, o := range span(of, r.from-maxPhrase, r.from) {
		if o.to != r.from || !same(toks, o, r) {
			continue
		}
		for _, h := range span(hs, o.from-maxPhrase, o.from) {
			if h.to == o.from && same(toks, h, o) {
				return true
			}
		}
	}
	return false
}

// clitic reports whether an object pronoun makes someone other than a
// recipient the one a verb hands data to: the pronoun right before the
// verb ("nos envían", "te enviamos") or fused to its infinitive or gerund
// ("enviarnos", "proporcionarte", "enviándote"), which must then still be
// a verb of the lexicon ("comparte" is no "compar" + "te").
func (c *compiled) clitic(toks []token, verb hit, before map[string]bool, suffixes []string) bool {
	if len(before) == 0 && len(suffixes) == 0 {
		return false
	}
	if k := verb.from - 1; k >= 0 && toks[k].sentence == toks[verb.from].sentence && before[toks[k].word] {
		return true
	}
	w := toks[verb.from].word
	for _, s := range suffixes {
		stem, ok := strings.CutSuffix(w, s)
		if !ok || !(strings.HasSuffix(stem, "r") || strings.HasSuffix(stem, "ndo")) {
			continue
		}
		one := []token{{word: stem}}
		for _, set := range []*lexset{c.give, c.hand, c.sell, c.disclose} {
			if set.has(one, hit{from: 0, to: 1}) {
				return true
			}
		}
	}
	return false
}

// toSelf reports whether the service is the one that gets the data: "to
// us" or "with us" shortly after the verb ("partners share data with
// us", "a user discloses an address to us"). That
// is the service collecting, not sharing.
func (c *compiled) toSelf(toks []token, verb hit, toself []hit) bool {
	for _, h := range span(toself, verb.to, verb.to+selfWindow+1) {
		if same(toks, h, verb) {
			return true
		}
	}
	return false
}

// toUser reports whether the user is the one a verb hands something to
// ("the terms disclosed to you", "a service supplied to you by a
// vendor", "sending you a receipt").
func (c *compiled) toUser(toks []token, verb hit) bool {
	for _, p := range c.toyou.phrases {
		if _, ok := p.matchAt(toks, verb.to); ok {
			return true
		}
	}
	return false
}

// toCountry reports whether a moving verb says where data goes rather
// than to whom: a country comes after the verb before any recipient
// ("transferred to the United States"), or the recipient is the one doing
// the moving ("our vendors may transfer it to other countries").
// "Transferred to the Meta Companies in other countries" still names
// a recipient first.
func (c *compiled) toCountry(toks []token, verb hit, abroad, recip []hit) bool {
	a := span(abroad, verb.to, len(toks))
	if len(a) == 0 || !same(toks, a[0], verb) {
		return false
	}
	return len(span(recip, verb.to, a[0].from)) == 0
}

// choices finds the choices offered to the user, leaving out the rights
// the service keeps for itself (the company "reserves the right to"
// disclose).
func (c *compiled) choices(toks []token) []hit {
	cs := c.choice.find(toks)
	out := cs[:0]
	for _, h := range cs {
		if h.from >= 2 && strings.HasPrefix(toks[h.from-2].word, "reserv") {
			continue
		}
		out = append(out, h)
	}
	return out
}

// someone finds the unnamed recipient of a sharing verb: "with" or "to"
// and a determiner a few words after it ("share your booking with the
// hotel", "disclose it to a court"), the way a
// sentence names whoever gets data when no lexicon names them. "With us",
// "with you", "with your consent" and "to the extent" are not recipients.
func (c *compiled) someone(toks []token, v hit, towhom []hit) (hit, bool) {
	for _, h := range span(towhom, v.to, v.to+towhomWindow+1) {
		if same(toks, v, h) {
			if h.to < len(toks) && same(toks, h, hit{from: h.to}) && (c.place.has(toks, hit{from: h.to}) || c.nobody.has(toks, hit{from: h.to})) {
				return hit{}, false // "to the websites", "to the extent", "with one another"
			}
			return h, true
		}
	}
	return hit{}, false
}

// placeBetween reports whether what a handing verb hands is a place, a
// few words after it and before the recipient, which then owns the place
// rather than gets the data ("each page provides links to partner
// stores").
func (c *compiled) placeBetween(toks []token, v, r hit) bool {
	for k := v.to; k < r.from && k < v.to+3; k++ {
		if c.place.has(toks, hit{from: k, to: k + 1}) {
			return true
		}
	}
	return false
}

// byUser reports whether the subject of verb is the user: a user word
// ("you", "users", "tú") stands right before it, or separated from it only
// by auxiliaries ("you may choose to share", "si decides compartir").
func (c *compiled) byUser(toks []token, verb hit, user []hit) bool {
	for _, u := range span(user, verb.from-userWindow-maxPhrase, verb.from) {
		if u.to > verb.from || verb.from-u.to > userWindow || !same(toks, u, verb) {
			continue
		}
		aux := true
		for k := u.to; k < verb.from && aux; k++ {
			aux = c.aux[toks[k].word]
		}
		if aux {
			return true
		}
	}
	return false
}

// anaphora adds to the recipients the pronouns that stand for one named in
// an earlier sentence of the clause ("We work with advertising companies.
// They may collect ..."): a pronoun with no recipient before it is nobody.
func (c *compiled) anaphora(toks []token, recip []hit) []hit {
	first := toks[recip[0].from].sentence
	for _, a := range c.anaphor.find(toks) {
		if toks[a.from].sentence > first {
			recip = append(recip, hit{from: a.from, to: a.to, key: "anaphor"})
		}
	}
	slices.SortFunc(recip, func(x, y hit) int { return x.from - y.from })
	return recip
}

// object finds the data a disclosing or selling verb hands over: after
// the verb ("disclose your information", "vender tus datos"), or before a
// passive one ("information will not be sold", "tus datos no serán
// vendidos"). "The purposes disclosed to you" is no disclosure of data.
func (c *compiled) object(toks []token, v hit, data, be []hit) (hit, bool) {
	for _, d := range span(data, v.to, v.to+objectWindow+1) {
		if same(toks, v, d) {
			return d, true
		}
	}
	passive := false
	for _, b := range span(be, v.from-2-maxPhrase, v.from) {
		if b.to <= v.from && v.from-b.to <= 2 && same(toks, b, v) {
			passive = true
		}
	}
	if !passive {
		return hit{}, false
	}
	for _, d := range span(data, v.from-objectWindow-maxPhrase, v.from) {
		if d.to <= v.from && v.from-d.to <= objectWindow && same(toks, v, d) {
			return d, true
		}
	}
	if m, ok := c.mayBe(toks, v, be); ok && !c.framed(toks, m, c.ask) && !heading(toks, m, v) {
		return m, true
	}
	return hit{}, false
}

// mayBe finds the modal of a passive verb ("it may be disclosed", "such
// information will not be sold", "could be revealed"; "se pueden
// divulgar", "podrá ser compartida", "serán cedidos", "podrán cederse"): a
// disclosure that may happen, said without naming the data or who gets
// it, states a practice all the same. A passive with no modal mostly
// describes ("the purposes disclosed", "as is disclosed below").
func (c *compiled) mayBe(toks []token, v hit, be []hit) (hit, bool) {
	if len(c.modal.phrases) == 0 {
		return hit{}, false
	}
	sentence := toks[v.from].sentence
	for _, b := range span(be, v.from-1-maxPhrase, v.from) {
		if b.to > v.from || v.from-b.to > 1 || !same(toks, b, v) {
			continue
		}
		if c.modal.has(toks, b) {
			return b, true // "serán cedidos": the auxiliary is the modal
		}
		for k := b.from - 1; k >= 0 && k >= b.from-3 && toks[k].sentence == sentence; k-- {
			if c.modal.has(toks, hit{from: k}) {
				return hit{from: k, to: k + 1}, true
			}
		}
	}
	// The modal right before the verb, the passive said by "se" before the
	// modal or fused to the verb: "se pueden divulgar", "podrán cederse".
	m := v.from - 1
	if m < 0 || toks[m].sentence != sentence || !c.modal.has(toks, hit{from: m}) {
		return hit{}, false
	}
	if c.passiveSuffix != "" && strings.HasSuffix(toks[v.from].word, c.passiveSuffix) {
		return hit{from: m, to: m + 1}, true
	}
	for _, b := range span(be, m-maxPhrase, m) {
		if b.to == m && same(toks, b, v) {
			return hit{from: b.from, to: m + 1}, true
		}
	}
	return hit{}, false
}

// inList reports whether verb closes a list of what the service does with
// data that a policy announces rather than states ("below we explain how
// we collect, use and disclose data", "we never knowingly collect, use or
// disclose a child's data"): such a list names no recipient and no case.
func (c *compiled) inList(toks []token, verb hit) bool {
	k := verb.from - 1
	for k >= 0 && k >= verb.from-4 && toks[k].sentence == toks[verb.from].sentence && !c.handle[toks[k].word] {
		k--
	}
	if k < 0 || k < verb.from-4 || toks[k].sentence != toks[verb.from].sentence {
		return false
	}
	for j := k - 1; j >= 0 && j >= k-c.frameWindow && toks[j].sentence == toks[verb.from].sentence; j-- {
		if c.frame[toks[j].word] {
			return true
		}
	}
	return false
}

// maxItems is how many sentences after a lead-in the items of its list
// may run.
const maxItems = 12

// items finds the statements a list makes by continuing its lead-in: the
// lead-in ends with a colon and holds a sharing verb ("We may share your
// information with:", "We disclose information in these cases:"), and an
// item after it names a recipient ("• service providers that host our
// servers;") or what compels the disclosure ("• when required by law").
// The statement's verb is the lead-in's, so that its negation and vetoes
// are the lead-in's. Items run to the next lead-in, at most maxItems
// sentences on; the first item, in the lead-in's sentence, counts only
// when no recipient is near the verb already.
func (c *compiled) items(toks []token, verbs, recip []hit, add func(string, hit, ...hit)) {
	var legal []hit
	found := false
	slices.SortFunc(verbs, func(x, y hit) int { return x.from - y.from })
	for k := range toks {
		if !toks[k].colon {
			continue
		}
		s := toks[k].sentence
		// The lead-in's verb: the last one before the colon in its
		// sentence.
		v, ok := hit{}, false
		for j := start(verbs, k+1) - 1; j >= 0 && toks[verbs[j].from].sentence == s; j-- {
			if verbs[j].to <= k+1 {
				v, ok = verbs[j], true
				break
			}
		}
		if !ok {
			continue
		}
		if !found {
			legal, found = c.legal.find(toks), true
		}
		_, near := nearest(toks, v, recip, giveWindow)
		end := k + 1
		for end < len(toks) && toks[end].sentence <= s+maxItems && (end == k+1 || !toks[end-1].colon) {
			end++
		}
		for _, hs := range [][]hit{recip, legal} {
			last := 0
			for _, h := range span(hs, k+1, end) {
				if h.from >= last && (toks[h.from].sentence > s || !near) {
					add("item", v, v, h)
					last = h.to // "service providers" once, not again as "providers"
				}
			}
		}
	}
}

// toWhom reports whether a statement names who gets the data after its
// verb ("intercepted, monitored, recorded and disclosed to law enforcement
// personnel"): an accident or a risk far before the verb ("unauthorized
// access") then does not make the disclosure one, a recipient named is a
// practice.
func toWhom(rule string, verb hit, parts []hit) bool {
	switch rule {
	case "give", "hand", "to", "engage":
		return parts[len(parts)-1].from >= verb.to
	}
	return false
}

// bySelf reports whether the service is the subject of verb: "we" right
// before it, or with auxiliaries between ("we may also share"), or the
// verb's own ending ("compartimos").
func (c *compiled) bySelf(toks []token, verb hit) bool {
	if c.weVerb(toks[verb.from].word) {
		return true
	}
	for k := verb.from - 1; k >= 0 && k >= verb.from-userWindow && toks[k].sentence == toks[verb.from].sentence; k-- {
		if c.self[toks[k].word] {
			return true
		}
		if !c.aux[toks[k].word] {
			return false
		}
	}
	return false
}

// heading reports whether the words from a to b are all capitalised, the
// way a table of contents writes "When Your Data May Be Shared": a title,
// not a statement.
func heading(toks []token, a, b hit) bool {
	for k := a.from; k < b.to; k++ {
		if !toks[k].title {
			return false
		}
	}
	return true
}

// framed reports whether a frame word ("whether", "how"), or one of ask,
// stands within three words before verb (or its modal): "whether we will
// disclose it to anyone", "How Your Information May Be Shared", "with
// whom we share your information" ask, they do not state.
func (c *compiled) framed(toks []token, verb hit, ask map[string]bool) bool {
	for k := verb.from - 1; k >= 0 && k >= verb.from-3 && toks[k].sentence == toks[verb.from].sentence; k-- {
		if c.frame[toks[k].word] || ask[toks[k].word] {
			return true
		}
	}
	return false
}

// otherSubject reports whether the service or the user is named between a
// recipient and a verb, and so is the verb's subject: "other users of the
// site and how we use it", "si nos escribes por Twitter, podemos
// recopilarlo".
func (c *compiled) otherSubject(toks []token, r, v hit) bool {
	for k := r.to; k < v.from; k++ {
		if c.self[toks[k].word] || c.userWord(toks[k].word) || c.weVerb(toks[k].word) {
			return true
		}
	}
	return false
}

// weVerb reports whether w is a verb whose ending makes the service its
// subject, in languages that drop the pronoun: "Twitter, podemos
// recopilarlo" is the service collecting, not Twitter.
func (c *compiled) weVerb(w string) bool {
	return c.weSuffix != "" && len(w) > len(c.weSuffix)+2 && strings.HasSuffix(w, c.weSuffix)
}

func (c *compiled) userWord(w string) bool {
	for _, p := range c.user.phrases {
		if len(p.words) == 1 && p.words[0] == w {
			return true
		}
	}
	return false
}

// after reports whether one of hs starts less than window words after verb
// in its sentence.
func after(toks []token, verb hit, hs []hit, window int) bool {
	// The first hit after verb decides: any later one is farther, or in a
	// later sentence.
	k := start(hs, verb.to)
	return k < len(hs) && hs[k].from-verb.to < window && same(toks, hs[k], verb)
}

// before reports whether one of hs ends less than window words before
// verb in its sentence.
func before(toks []token, verb hit, hs []hit, window int) bool {
	// Backwards from the last hit that starts before verb: the hits of
	// earlier sentences, or too far, end the search.
	for k := start(hs, verb.from) - 1; k >= 0; k-- {
		h := hs[k]
		if !same(toks, h, verb) || verb.from-h.from >= window+maxPhrase {
			return false
		}
		if h.to <= verb.from && verb.from-h.to < window {
			return true
		}
	}
	return false
}

// inSentence returns a hit of hs (sorted by position) in h's sentence
// other than h: the nearest one before it, or else the nearest after it.
func inSentence(toks []token, h hit, hs []hit) (hit, bool) {
	k := start(hs, h.from)
	for j := k - 1; j >= 0 && same(toks, hs[j], h); j-- {
		if hs[j] != h {
			return hs[j], true
		}
	}
	for j := k; j < len(hs) && same(toks, hs[j], h); j++ {
		if hs[j] != h {
			return hs[j], true
		}
	}
	return hit{}, false
}

// maxPhrase bounds the length of a phrase of any lexicon, in words, so
// that a hit ending near a position starts at most maxPhrase words
// before it.
const maxPhrase = 16

// start returns the index of the first hit of hs (sorted by position, as
// lexset.find returns them) that starts at or after token i.
func start(hs []hit, i int) int {
	return sort.Search(len(hs), func(k int) bool { return hs[k].from >= i })
}

// span returns the hits of hs (sorted by position) that start in tokens
// [from, to): the rules look for a hit near another by a binary search
// and a short walk, so that a long clause with many hits is read in time
// proportional to its length, not to the product of its hit counts.
func span(hs []hit, from, to int) []hit {
	i := start(hs, from)
	j := i
	for j < len(hs) && hs[j].from < to {
		j++
	}
	return hs[i:j]
}

// negated looks for a negation cue before verb (and after it, in languages
// that put it there) in its sentence; an exception after the cue ("except",
// "salvo", "a menos que") makes the denial a condition, not a denial.
func (c *compiled) negated(toks []token, verb hit, neg, exc []hit) (hit, bool) {
	for _, n := range span(neg, verb.from-negWindow-maxPhrase, verb.to+c.negAfter) {
		before := n.to <= verb.from && verb.from-n.to < negWindow
		after := n.from >= verb.to && n.from-verb.to < c.negAfter
		if !(before || after) || !same(toks, n, verb) {
			continue
		}
		if e := span(exc, n.from+1, len(toks)); len(e) > 0 && same(toks, e[0], n) {
			return hit{}, false
		}
		return n, true
	}
	return hit{}, false
}

// nearest returns the hit of hs closest to h in its sentence, within window
// words.
func nearest(toks []token, h hit, hs []hit, window int) (hit, bool) {
	best, dist := hit{}, -1
	for _, o := range span(hs, h.from-window-maxPhrase, h.to+window+1) {
		if !same(toks, h, o) || overlaps(h, o) {
			continue
		}
		d := o.from - h.to
		if o.to <= h.from {
			d = h.from - o.to
		}
		if d <= window && (dist < 0 || d < dist) {
			best, dist = o, d
		}
	}
	return best, dist >= 0
}

func overlaps(a, b hit) bool { return a.from < b.to && b.from < a.to }

func same(toks []token, a, b hit) bool { return toks[a.from].sentence == toks[b.from].sentence }

// apply returns the evidence of a topic rule in a clause.
func (r compiledRule) apply(text string, toks []token) []Evidence {
	as := r.any.find(toks)
	if len(as) == 0 {
		return nil
	}
	var ev []Evidence
	if r.with == nil {
		for _, a := range as {
			ev = append(ev, quote(text, toks, a.from, a.to))
		}
		return ev
	}
	ws := r.with.find(toks)
	for _, a := range as {
		if w, ok := nearest(toks, a, ws, r.window); ok {
			from, to := min(a.from, w.from), max(a.to, w.to)
			if to-from <= 12 {
				ev = append(ev, quote(text, toks, from, to))
			} else {
				ev = append(ev, quote(text, toks, a.from, a.to), quote(text, toks, w.from, w.to))
			}
		}
	}
	return ev
}

// ClassifyItem returns the topics of text, a clause that continues lead,
// the clause before it: a list item under its lead-in ("We may share your
// information with:" and then "Service providers that host our
// servers."). Classify sees one clause, and an item that names a
// recipient or a case ("When required by law.") but no verb states
// nothing by itself; read after a lead-in that ends with a colon and holds
// a sharing verb, it is a sharing statement, negated when the lead-in is
// ("We never share your information with:"). Evidence points into text,
// and quotes the item's part only. With a lead that introduces no list,
// ClassifyItem is Classify. The caller knows which clauses are list items
// and which clause introduces them; Classify and Annotate do not.
func ClassifyItem(text, lead, lang string) []Match {
	r := readerFor(text, lang)
	lx := r.lx
	toks := tokenize(text)
	ms := r.read(text, toks).matches
	ltoks := tokenize(lead)
	n := len(ltoks)
	if n == 0 || len(toks) == 0 || !ltoks[n-1].colon {
		return ms
	}
	first := n - 1
	for first > 0 && ltoks[first-1].sentence == ltoks[n-1].sentence {
		first--
	}
	// The lead-in's sentence, then the item's sentences after it: the
	// item reads as the rest of the lead-in's clause.
	joined := make([]token, 0, n-first+len(toks))
	for _, t := range ltoks[first:] {
		t.sentence = 0
		joined = append(joined, t)
	}
	for _, t := range toks {
		t.sentence++
		joined = append(joined, t)
	}
	off := n - first
	var ev []Evidence
	negated := true
	for _, s := range lx.sharing(joined) {
		p := s.parts[len(s.parts)-1]
		if s.rule != "item" || p.from < off {
			continue // a statement of the item alone is in ms already
		}
		negated = negated && s.negated
		ev = append(ev, quote(text, toks, p.from-off, p.to-off))
	}
	if len(ev) == 0 {
		return ms
	}
	if len(ms) > 0 && ms[0].Topic == DataSharing {
		ms[0].Evidence = tidy(append(ms[0].Evidence, ev...))
		ms[0].Negated = ms[0].Negated && negated
		return ms
	}
	return append([]Match{{Topic: DataSharing, Negated: negated, Evidence: tidy(ev)}}, ms...)
}
