package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// messages holds every sentence an email says, per language. They are
// written for each language, not translated word for word: Spanish readers
// are addressed with "usted" and dates read "4 de enero de 2021". Topics
// and severities are named by package labels, in the same words as the
// pages.
type messages struct {
	lang string
	// subjects and headings
	headingDigest  string // n changes, n documents
	subjectMore    string // n, changes: what a digest's subject adds to its first headline
	subjectConfirm string
	subjectAlready string
	// alert body
	intro         string // date, doc
	takesEffect   string // date the new text states
	introDigest   string // date range start, n changes
	severity      string
	topics        string
	before, after string
	meaning       string // before a sentence saying what a sharing delta means
	sameEdit      string // n clauses carrying one edit
	restNone      string
	restOne       string // kinds, sections
	restSome      string // n, clauses, kinds, sections
	restIn        string // section names
	restInMore    string // section names, n more sections
	snapshotLink  string // fetch date
	versionBefore string // version number within the document
	versionAfter  string // version number within the document
	changePage    string
	snapshot      string // sha256, time
	legend        string
	omitted       string // n omitted, link follows
	omittedDoc    string // n omitted, link to the document history follows
	noTopic       string
	why           string // topics
	whyAll        string
	preferences   string
	unsubscribe   string
	// confirmation
	confirmIntro  string // topics, documents, frequency
	confirmAction string
	confirmExpiry string // date
	confirmIgnore string
	alreadyIntro  string
	alreadyIgnore string
	allDocuments  string
	freqImmediate string
	freqDaily     string
	kinds         map[string]string
	kindCounts    map[string][2]string // singular and plural, as in "3 reworded"
	months        [12]string
	dateLayout    func(t time.Time, months [12]string) string
}

var english = &messages{
	lang:           "en",
	headingDigest:  "clausewatch daily digest: %d %s in %d %s",
	subjectMore:    "(+%d more %s)",
	subjectConfirm: "Confirm your clausewatch subscription",
	subjectAlready: "You are already subscribed to clausewatch",
	intro:          "clausewatch noticed on %s that %s changed. First the clauses that matter, most serious first, each as it was and as it is now; then the rest in brief.",
	introDigest:    "%d %s since %s in the documents and topics you follow.",
	takesEffect:    "The new text takes effect on %s.",
	severity:       "Severity",
	topics:         "Topics",
	before:         "Before",
	after:          "Now",
	meaning:        "What it means",
	sameEdit:       "The same edit in %d clauses; one is shown.",
	restNone:       "No other clause changed materially.",
	restOne:        "Also changed: 1 more clause (%s)%s; it is on the change page.",
	restSome:       "Also changed: %d more %s (%s)%s; every clause is on the change page.",
	restIn:         " in %s",
	restInMore:     " in %s and %d more sections",
	versionBefore:  "Version v%d (before)",
	versionAfter:   "Version v%d (now)",
	changePage:     "See the whole change",
	snapshot:       "Archived copy of the new page: sha256 %s, fetched %s",
	snapshotLink:   "Archived copy of the new page, fetched %s",
	legend:         "In the text version, [-words-] were removed and {+words+} were added.",
	omitted:        "%d more %s did not fit in this email. Read them on the change page:",
	omittedDoc:     "%d more %s did not fit in this email. Read them in the document's history:",
	noTopic:        "material change",
	why:            "You receive this email because this address subscribed to clausewatch alerts about %s.",
	whyAll:         "You receive this email because this address subscribed to clausewatch alerts about every material change.",
	preferences:    "Change what you receive",
	unsubscribe:    "Unsubscribe",
	confirmIntro:   "Someone, hopefully you, asked to receive clausewatch alerts at this address.\nTopics: %s\nDocuments: %s\nFrequency: %s",
	confirmAction:  "To confirm, open this link and press the button on the page:",
	confirmExpiry:  "The link works until %s.",
	confirmIgnore:  "If you did not ask for this, ignore this email: we send nothing more without your confirmation, and forget this address after seven days.",
	alreadyIntro:   "Someone, hopefully you, asked to subscribe this address to clausewatch alerts, but it is already subscribed. Nothing was changed.",
	alreadyIgnore:  "If that was not you, you can ignore this email.",
	allDocuments:   "all watched documents",
	freqImmediate:  "an email for each change, as soon as it is noticed",
	freqDaily:      "one email a day with the day's changes",
	kinds: map[string]string{
		"added": "Added", "removed": "Removed", "modified": "Reworded", "moved": "Moved",
		"split": "Split into several clauses", "merged": "Merged from several clauses",
	},
	kindCounts: map[string][2]string{
		"added": {"added", "added"}, "removed": {"removed", "removed"}, "modified": {"reworded", "reworded"},
		"moved": {"moved", "moved"}, "split": {"split", "split"}, "merged": {"merged", "merged"},
	},
	months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	dateLayout: func(t time.Time, m [12]string) string {
		return fmt.Sprintf("%d %s %d, %02d:%02d UTC", t.Day(), m[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	},
}

var spanish = &messages{
	lang:           "es",
	headingDigest:  "Resumen diario de clausewatch: %d %s en %d %s",
	subjectMore:    "(+%d %s más)",
	subjectConfirm: "Confirme su suscripción a clausewatch",
	subjectAlready: "Ya está suscrito a clausewatch",
	intro:          "El %s clausewatch detectó cambios en %s. Primero, las cláusulas que importan, de la más grave a la menos grave, cada una tal como era y tal como es ahora; después, el resto en resumen.",
	takesEffect:    "El nuevo texto entra en vigor el %s.",
	introDigest:    "%d %s desde el %s en los documentos y temas que usted sigue.",
	severity:       "Gravedad",
	topics:         "Temas",
	before:         "Antes",
	after:          "Ahora",
	meaning:        "Qué significa",
	sameEdit:       "La misma modificación en %d cláusulas; se muestra una.",
	restNone:       "Ninguna otra cláusula cambió de forma sustancial.",
	restOne:        "También cambió otra cláusula (%s)%s; está en la página del cambio.",
	restSome:       "También cambiaron otras %d %s (%s)%s; todas están en la página del cambio.",
	restIn:         " en %s",
	restInMore:     " en %s y %d secciones más",
	versionBefore:  "Versión v%d (antes)",
	versionAfter:   "Versión v%d (ahora)",
	changePage:     "Ver el cambio completo",
	snapshot:       "Copia archivada de la página nueva: sha256 %s, descargada el %s",
	snapshotLink:   "Copia archivada de la página nueva, descargada el %s",
	legend:         "En la versión de texto, [-palabras-] indica lo suprimido y {+palabras+} lo añadido.",
	omitted:        "%d %s más no caben en este correo. Puede leerlos en la página del cambio:",
	omittedDoc:     "%d %s más no caben en este correo. Puede leerlos en el historial del documento:",
	noTopic:        "cambio relevante",
	why:            "Recibe este correo porque esta dirección se suscribió a las alertas de clausewatch sobre %s.",
	whyAll:         "Recibe este correo porque esta dirección se suscribió a las alertas de clausewatch sobre cualquier cambio relevante.",
	preferences:    "Elegir qué recibe",
	unsubscribe:    "Darse de baja",
	confirmIntro:   "Alguien, esperamos que usted, pidió recibir en esta dirección las alertas de clausewatch.\nTemas: %s\nDocumentos: %s\nFrecuencia: %s",
	confirmAction:  "Para confirmarlo, abra este enlace y pulse el botón de la página:",
	confirmExpiry:  "El enlace funciona hasta el %s.",
	confirmIgnore:  "Si no lo pidió usted, no haga nada: sin su confirmación no enviamos nada más, y olvidamos esta dirección en siete días.",
	alreadyIntro:   "Alguien, esperamos que usted, pidió suscribir esta dirección a las alertas de clausewatch, pero ya está suscrita. No se ha cambiado nada.",
	alreadyIgnore:  "Si no fue usted, puede ignorar este correo.",
	allDocuments:   "todos los documentos vigilados",
	freqImmediate:  "un correo por cada cambio, en cuanto se detecta",
	freqDaily:      "un correo al día con los cambios del día",
	kinds: map[string]string{
		"added": "Cláusula nueva", "removed": "Cláusula suprimida", "modified": "Cláusula reformulada", "moved": "Cláusula trasladada",
		"split": "Cláusula dividida en varias", "merged": "Cláusulas fusionadas en una",
	},
	kindCounts: map[string][2]string{
		"added": {"nueva", "nuevas"}, "removed": {"suprimida", "suprimidas"}, "modified": {"reformulada", "reformuladas"},
		"moved": {"trasladada", "trasladadas"}, "split": {"dividida", "divididas"}, "merged": {"fusionada", "fusionadas"},
	},
	months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	dateLayout: func(t time.Time, m [12]string) string {
		return fmt.Sprintf("%d de %s de %d, %02d:%02d UTC", t.Day(), m[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	},
}

// messagesFor returns the messages of a language, English by default.
func messagesFor(lang string) *messages {
	if lang == "es" {
		return spanish
	}
	return english
}

func (m *messages) date(t time.Time) string { return m.dateLayout(t.UTC(), m.months) }

// day writes the day of t without its time: both layouts put the time after
// the first comma.
func (m *messages) day(t time.Time) string {
	d, _, _ := strings.Cut(m.date(t), ",")
	return d
}

// changes says "1 change" / "3 changes" ("1 cambio" / "3 cambios").
func (m *messages) changes(n int) string {
	if m.lang == "es" {
		return plural(n, "cambio", "cambios")
	}
	return plural(n, "change", "changes")
}

// clauses says "clause" / "clauses" ("cláusula" / "cláusulas").
func (m *messages) clauses(n int) string {
	if m.lang == "es" {
		return plural(n, "cláusula", "cláusulas")
	}
	return plural(n, "clause", "clauses")
}

func (m *messages) documents(n int) string {
	if m.lang == "es" {
		return plural(n, "documento", "documentos")
	}
	return plural(n, "document", "documents")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// topicList joins topic names as a sentence does: "a, b and c" ("a, b y c").
func (m *messages) topicList(names []string) string {
	words := make([]string, len(names))
	for i, n := range names {
		words[i] = labels.Topic(n, m.lang)
	}
	and := " and "
	if m.lang == "es" {
		and = " y "
	}
	switch len(words) {
	case 0:
		return m.noTopic
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + and + words[len(words)-1]
}

func (m *messages) kind(k string) string {
	if s, ok := m.kinds[k]; ok {
		return s
	}
	return k
}

// maxRestSections bounds the sections a summary of the rest names.
const maxRestSections = 4

// rest sums up in one sentence the material clause changes an email does
// not show (those outside shown, indices into cs.Changes): how many of each
// kind and the sections they are in, by their nearest heading ("Also
// changed: 12 more clauses (8 reworded, 3 added, 1 removed) in Retention,
// Cookies and 3 more sections; ..."). A reader learns how much else moved
// and where without reading every clause. It is "" for a change with
// nothing material.
func (m *messages) rest(cs *diff.ChangeSet, shown map[int]bool) string {
	count := map[string]int{}
	var sections []string
	n := 0
	for i, ch := range cs.Changes {
		if !ch.Material || shown[i] {
			continue
		}
		n++
		count[ch.Kind]++
		if sec := ch.Section(); len(sec) > 0 {
			if name := oneLine(sec[len(sec)-1]); name != "" && !slices.Contains(sections, name) {
				sections = append(sections, name)
			}
		}
	}
	if n == 0 {
		if len(shown) == 0 {
			return ""
		}
		return m.restNone
	}
	var kinds []string
	for _, k := range []string{diff.Modified, diff.Added, diff.Removed, diff.Moved, diff.Split, diff.Merged} {
		if c := count[k]; c > 0 {
			w := m.kindCounts[k]
			kinds = append(kinds, fmt.Sprintf("%d %s", c, plural(c, w[0], w[1])))
		}
	}
	where := ""
	switch {
	case len(sections) > maxRestSections:
		where = fmt.Sprintf(m.restInMore, strings.Join(sections[:maxRestSections], "; "), len(sections)-maxRestSections)
	case len(sections) > 0:
		where = fmt.Sprintf(m.restIn, strings.Join(sections, "; "))
	}
	if n == 1 {
		return fmt.Sprintf(m.restOne, strings.Join(kinds, ", "), where)
	}
	return fmt.Sprintf(m.restSome, n, m.clauses(n), strings.Join(kinds, ", "), where)
}

func (m *messages) frequency(f string) string {
	if f == "daily" {
		return m.freqDaily
	}
	return m.freqImmediate
}
