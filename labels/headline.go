package labels

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/diff"
)

// Headline says in one sentence, in lang, what matters in a change of a
// document of service (its "service" in the configuration, "WhatsApp"): the
// most severe difference in who gets which data ("WhatsApp now gives
// device and connection information to Meta, if you opt in"), or, when no
// sharing statement changed, which topics the edit touched, or how many
// clauses changed. It reads only cs's classification (Material, Topics,
// Summary, Sharing), so a listing can build it from stored columns.
func Headline(service string, cs diff.ChangeSet, lang string) string {
	if lang != "es" {
		lang = "en"
	}
	subject := strings.TrimSpace(service)
	if subject == "" {
		subject = label{"The policy", "La política"}.in(lang)
	}
	if cs.Capture == diff.Variation {
		return capitalise(fmt.Sprintf(label{"%s's page showed or hid text it had shown before", "La página de %s mostró u ocultó texto que ya había mostrado"}.in(lang), subject))
	}
	if d, ok := leadingDelta(cs.Sharing, subject); ok {
		return capitalise(subject + " " + sharingPredicate(d, lang))
	}
	switch {
	case !cs.Material:
		return subject + label{": wording changed, nothing material", ": cambios de redacción, nada sustancial"}.in(lang)
	case len(cs.Topics) > 0:
		names := make([]string, 0, len(cs.Topics))
		for _, t := range cs.Topics {
			names = append(names, Topic(t, lang))
		}
		return subject + label{" changed what it says about ", " cambió lo que dice sobre "}.in(lang) + list(names, 2, lang)
	}
	n := cs.Summary.Total()
	if n == 1 {
		return subject + label{" changed 1 clause", " cambió 1 cláusula"}.in(lang)
	}
	return subject + fmt.Sprintf(label{" changed %d clauses", " cambió %d cláusulas"}.in(lang), n)
}

// leadingDelta picks the delta a headline tells: the most severe, and among
// equals the first (the classifier lists them in document order). A delta
// whose only recipient is the service itself ("Meta" in Meta's own policy)
// is passed over: "Meta now lets Meta access your information" tells a
// reader nothing, and the classifier does not know whose policy it reads.
func leadingDelta(ds []diff.SharingDelta, service string) (diff.SharingDelta, bool) {
	best := -1
	for i, d := range ds {
		if toSelf(d, service) {
			continue
		}
		if best < 0 || d.Severity.Rank() > ds[best].Severity.Rank() {
			best = i
		}
	}
	if best < 0 {
		return diff.SharingDelta{}, false
	}
	return ds[best], true
}

// toSelf reports whether every recipient of d is named as the service is.
func toSelf(d diff.SharingDelta, service string) bool {
	if len(d.Recipients) == 0 {
		return false
	}
	for _, r := range d.Recipients {
		if !strings.EqualFold(Recipient(r, "en"), service) {
			return false
		}
	}
	return true
}

// verb is how a headline words a statement's action in one language: the
// bare form (after "may", "not to"), the third person, the preposition
// before the recipient, and whether the recipient comes before the data
// ("lets advertisers access your location").
type verb struct {
	base, third, prep string
	recipientFirst    bool
}

func verbFor(action, lang string) verb {
	if lang == "es" {
		switch action {
		case diff.ActionDiscloses:
			return verb{"revelar", "revela", "a", false}
		case diff.ActionSells:
			return verb{"vender", "vende", "a", false}
		case diff.ActionTransfers:
			return verb{"transferir", "transfiere", "a", false}
		case diff.ActionGivesAccess:
			return verb{"permitir", "permite", "a", true}
		case diff.ActionReceives:
			return verb{"dar", "da", "a", false}
		}
		return verb{"compartir", "comparte", "con", false}
	}
	switch action {
	case diff.ActionDiscloses:
		return verb{"disclose", "discloses", "to", false}
	case diff.ActionSells:
		return verb{"sell", "sells", "to", false}
	case diff.ActionTransfers:
		return verb{"transfer", "transfers", "to", false}
	case diff.ActionGivesAccess:
		return verb{"let", "lets", "", true}
	case diff.ActionReceives:
		return verb{"give", "gives", "to", false}
	}
	return verb{"share", "shares", "with", false}
}

// phrase words the verb with its data and recipients: "shares your phone
// number with advertisers", "lets advertisers access your location".
func (v verb) phrase(form string, data, recipients []string, lang string) string {
	what := list(dataNames(data, lang), 2, lang)
	who := list(recipientNames(recipients, lang), 2, lang)
	if v.recipientFirst {
		if lang == "es" {
			return contract(form + " a " + who + " acceder a " + what)
		}
		return form + " " + who + " access " + what
	}
	return contract(form + " " + what + " " + v.prep + " " + who)
}

// sharingPredicate words a delta after the service's name.
func sharingPredicate(d diff.SharingDelta, lang string) string {
	v := verbFor(d.Action, lang)
	l := func(en, es string) string { return label{en, es}.in(lang) }
	var s string
	switch {
	case d.Op == diff.DeltaAdded && d.Negated:
		s = l("now says it does not ", "ahora dice que no ") + v.phrase(pick(lang, v.base, v.third), d.Data, d.Recipients, lang)
	case d.Op == diff.DeltaAdded:
		s = l("now ", "ahora ") + v.phrase(v.third, d.Data, d.Recipients, lang)
	case d.Op == diff.DeltaRemoved && d.Negated:
		s = l("dropped its promise not to ", "retiró su promesa de no ") + v.phrase(v.base, d.Data, d.Recipients, lang)
	case d.Op == diff.DeltaRemoved:
		s = l("no longer says it ", "ya no dice que ") + v.phrase(v.third, d.Data, d.Recipients, lang)
	case d.Was != nil && d.Was.Negated && !d.Negated:
		s = l("may now ", "ahora puede ") + v.phrase(v.base, d.Data, d.Recipients, lang) +
			l(", which it promised not to do", ", algo que prometía no hacer")
	case d.Was != nil && !d.Was.Negated && d.Negated:
		s = l("now says it does not ", "ahora dice que no ") + v.phrase(pick(lang, v.base, v.third), d.Data, d.Recipients, lang)
	case d.Was != nil && len(gained(d.Recipients, d.Was.Recipients)) > 0:
		s = l("now also ", "ahora también ") + v.phrase(v.third, d.Data, gained(d.Recipients, d.Was.Recipients), lang)
	case d.Was != nil && len(gained(d.Data, d.Was.Data)) > 0:
		s = l("now also ", "ahora también ") + v.phrase(v.third, gained(d.Data, d.Was.Data), d.Recipients, lang)
	case d.Was != nil && d.Was.Purpose != d.Purpose:
		s = l("changed why it ", "cambió para qué ") + v.phrase(v.third, d.Data, d.Recipients, lang)
	case d.Was != nil && d.Was.Condition != d.Condition:
		s = l("changed when it ", "cambió cuándo ") + v.phrase(v.third, d.Data, d.Recipients, lang)
	default:
		s = l("changed how it ", "cambió cómo ") + v.phrase(v.third, d.Data, d.Recipients, lang)
	}
	if d.Purpose != "" && !d.Negated {
		s += l(" to ", " para ") + Purpose(d.Purpose, lang)
	}
	if d.Condition != "" && !d.Negated {
		s += ", " + Condition(d.Condition, lang)
	}
	return s
}

// Statement words what one statement says, after the service's name, in
// the present: "shares your account information with Meta to show you
// ads", "does not sell your information to data brokers". Pages that set
// two documents side by side use it, where nothing "changed".
func Statement(service string, st diff.Statement, lang string) string {
	if lang != "es" {
		lang = "en"
	}
	v := verbFor(st.Action, lang)
	var s string
	if st.Negated {
		s = label{"does not ", "no "}.in(lang) + v.phrase(pick(lang, v.base, v.third), st.Data, st.Recipients, lang)
	} else {
		s = v.phrase(v.third, st.Data, st.Recipients, lang)
		if st.Purpose != "" {
			s += label{" to ", " para "}.in(lang) + Purpose(st.Purpose, lang)
		}
		if st.Condition != "" {
			s += ", " + Condition(st.Condition, lang)
		}
	}
	if service = strings.TrimSpace(service); service != "" {
		s = service + " " + s
	}
	return capitalise(s)
}

func pick(lang, en, es string) string {
	if lang == "es" {
		return es
	}
	return en
}

// gained returns the keys of now (a changed statement's data categories or
// recipients) that it did not name before.
func gained(now, before []string) []string {
	var out []string
	for _, k := range now {
		if !slices.Contains(before, k) {
			out = append(out, k)
		}
	}
	return out
}

func dataNames(keys []string, lang string) []string {
	if len(keys) == 0 {
		return []string{Data("personal-information", lang)}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = Data(k, lang)
	}
	return out
}

func recipientNames(keys []string, lang string) []string {
	if len(keys) == 0 {
		return []string{Recipient("third-parties", lang)}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = Recipient(k, lang)
	}
	return out
}

// list joins names for a sentence, keeping at most max of them and saying
// how many more there are: "a, b and 3 more".
func list(names []string, max int, lang string) string {
	and := label{" and ", " y "}.in(lang)
	if len(names) > max {
		more := fmt.Sprintf(label{"%d more", "%d más"}.in(lang), len(names)-max)
		return strings.Join(names[:max], ", ") + and + more
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
}

// contract applies Spanish's contractions of "a el" and "de el", which the
// labels' articles produce ("a el público" is "al público").
func contract(s string) string {
	return strings.NewReplacer(" a el ", " al ", " de el ", " del ").Replace(s)
}

// capitalise upper-cases the first letter of s. It reads the whole first
// rune: a service whose name starts with a letter outside ASCII ("Ébano")
// would otherwise have its first byte alone upper-cased, which is not
// UTF-8 and shows as U+FFFD in a subject line.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
