package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// The interface is in English and Spanish: many of the journalists who use
// clausewatch write in Spanish. The language is chosen, in order, by a
// ?lang= link (which also sets a cookie), the cookie, then Accept-Language.
// Policy texts are shown as archived, whatever the interface language.

// langCookie remembers the language chosen with the switch.
const langCookie = "lang"

// i18n holds the message catalogue and the Accept-Language matcher. It is
// built once in New and only read afterwards.
type i18n struct {
	matcher  language.Matcher
	tags     []language.Tag               // the interface languages, the first the default
	catalog  map[string]map[string]string // lang -> key -> message
	months   map[string][12]string
	dateForm map[string]string // lang -> format with {d} {m} {y}
}

func newI18n() *i18n {
	tags := []language.Tag{language.English, language.Spanish}
	return &i18n{
		matcher: language.NewMatcher(tags),
		tags:    tags,
		catalog: map[string]map[string]string{"en": messagesEN(), "es": messagesES()},
		months: map[string][12]string{
			"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			"es": {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
		},
		dateForm: map[string]string{"en": "{m} {d}, {y}", "es": "{d} {m} {y}"},
	}
}

// pick chooses the interface language of a request and says whether it came
// from ?lang= (so the caller sets the cookie).
func (l *i18n) pick(r *http.Request) (lang string, fromQuery bool) {
	if q := r.URL.Query().Get("lang"); l.known(q) {
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && l.known(c.Value) {
		return c.Value, false
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := l.matcher.Match(tags...)
			if conf != language.No {
				base, _ := l.tags[i].Base()
				return base.String(), false
			}
		}
	}
	return "en", false
}

func (l *i18n) known(lang string) bool {
	_, ok := l.catalog[lang]
	return ok
}

// tr translates key in lang, formatting args into it with fmt verbs. A
// missing key shows as "!key", which tests look for.
func (l *i18n) tr(lang, key string, args ...any) string {
	msg, ok := l.catalog[lang][key]
	if !ok {
		return "!" + key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// plural picks key+".one" for n == 1 and key+".other" otherwise, and formats
// n into it.
func (l *i18n) plural(lang, key string, n int) string {
	if n == 1 {
		return l.tr(lang, key+".one", n)
	}
	return l.tr(lang, key+".other", n)
}

// date writes a UTC day in the reader's language ("Jan 4, 2021", "4 ene
// 2021").
func (l *i18n) date(lang string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	return strings.NewReplacer("{d}", fmt.Sprint(t.Day()), "{m}", l.months[lang][t.Month()-1], "{y}", fmt.Sprint(t.Year())).
		Replace(l.dateForm[lang])
}

// isoDate writes a stated date (YYYY-MM-DD) in the reader's language, or
// returns it unchanged when it does not parse.
func (l *i18n) isoDate(lang, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.date(lang, t)
}

// Message catalogues. Keys are grouped by page; %s and %d are fmt verbs.

func messagesEN() map[string]string {
	return map[string]string{
		"site.tagline":                "What changed in WhatsApp and Meta privacy policies, clause by clause",
		"nav.skip":                    "Skip to content",
		"nav.main":                    "Main",
		"nav.documents":               "Documents",
		"nav.search":                  "Search",
		"nav.subscribe":               "Alerts",
		"nav.language":                "Language",
		"search.label":                "Search all versions",
		"search.button":               "Search",
		"feeds.atom":                  "Atom feed of changes",
		"feeds.rss":                   "RSS feed of changes",
		"footer.feeds":                "Feeds:",
		"footer.api":                  "JSON API",
		"footer.credit":               "Archived versions before tracking began come from Open Terms Archive (ODC-By 1.0). Policy texts © WhatsApp/Meta.",
		"error.title":                 "Error %d",
		"error.back":                  "Back to the documents",
		"error.404":                   "There is nothing at this address.",
		"error.500":                   "Something went wrong on our side. Please try again later.",
		"docs.title":                  "Tracked documents",
		"docs.description":            "Every tracked WhatsApp and Meta policy, with its versions, its last check and its last material change.",
		"docs.none":                   "No documents are tracked yet.",
		"docs.col.document":           "Document",
		"docs.col.service":            "Service",
		"docs.col.region":             "Region",
		"docs.col.language":           "Language",
		"docs.col.check":              "Last check",
		"docs.col.change":             "Last material change",
		"docs.col.versions":           "Versions",
		"docs.never":                  "never checked",
		"docs.nochange":               "none yet",
		"docs.failing":                "Failing",
		"docs.failing.since":          "last success %s",
		"docs.failing.count":          "%d failing",
		"docs.all":                    "all",
		"outcome.new-version":         "new version",
		"outcome.unchanged":           "unchanged",
		"outcome.not-modified":        "unchanged (304)",
		"outcome.suspect":             "suspect",
		"outcome.superseded":          "superseded by a later fetch",
		"outcome.failed":              "failed",
		"versions.one":                "%d version",
		"versions.other":              "%d versions",
		"timeline.title":              "History of %s",
		"timeline.description":        "%s: %d versions since %s, each compared clause by clause with the one before.",
		"timeline.heading":            "Versions",
		"timeline.source":             "Source",
		"timeline.detected":           "Detected",
		"timeline.effective":          "Effective",
		"timeline.first":              "First version recorded",
		"timeline.diff":               "See what changed",
		"timeline.text":               "Full text",
		"timeline.cosmetic.other":     "%d cosmetic-only versions (wording, spacing, links): nothing material changed",
		"timeline.cosmetic.one":       "%d cosmetic-only version (wording, spacing, links): nothing material changed",
		"timeline.variation.other":    "%d capture variations: the page showed or hid text it had shown before; no wording changed, nobody was alerted",
		"timeline.variation.one":      "%d capture variation: the page showed or hid text it had shown before; no wording changed, nobody was alerted",
		"change.restored":             "restored: the policy said this before",
		"change.restored.seen":        "restored: last seen %s",
		"change.toggled":              "page state: this text came or went before with the page's notes or tabs",
		"state.settling":              "Awaiting confirmation: seen on one fetch so far. Subscribers and feeds are told once a later fetch reads the same text; if the page flips back first, nobody is.",
		"state.settling.presentation": "Awaiting confirmation: a block of the page appeared or disappeared while the wording around it stayed the same, as when notes, tabs or accordions are captured open or closed. Subscribers and feeds are told only if it holds for the confirmation window (30 days unless configured).",
		"state.transient":             "Did not last: the page changed again before this was confirmed, so nobody was alerted.",
		"state.variation":             "Capture variation: the page showed or hid text it had shown before (notes, tabs or accordions captured open or closed). No wording changed; nobody was alerted and feeds leave it out.",
		"state.presentation":          "Presentation change: a block of the page appeared or disappeared with the wording around it unchanged, and held long enough to be told.",
		"timeline.none":               "No version recorded yet.",
		"timeline.lastcheck":          "Last check: %s, %s.",
		"compare.title":               "Compare versions of %s",
		"compare.heading":             "Compare any two versions",
		"compare.from":                "From (older)",
		"compare.to":                  "To (newer)",
		"compare.button":              "Compare",
		"compare.same":                "Both sides are the same version: choose two different versions.",
		"compare.description":         "%s: the clauses that differ between the versions of %s and %s.",
		"compare.pick":                "Choose two versions to see every clause that differs between them.",
		"change.title":                "%s (%s, %s)",
		"change.subtitle":             "%s, between the version of %s and the version of %s.",
		"change.intro":                "Between the version of %s and the version of %s.",
		"change.views":                "Display",
		"change.inline":               "Inline",
		"change.side":                 "Side by side",
		"change.old":                  "Before",
		"change.new":                  "After",
		"change.prev":                 "Previous change",
		"change.next":                 "Next change",
		"change.versions":             "Versions and sources",
		"change.version.old":          "Before: version of %s",
		"change.version.new":          "After: version of %s",
		"change.snapshot":             "Archived page",
		"change.fetched":              "fetched",
		"change.source":               "source",
		"change.sha256":               "SHA-256",
		"change.timeline":             "All versions of this document",
		"change.none":                 "The versions differ only in text that is not part of any clause.",
		"summary.material":            "Material change",
		"summary.cosmetic":            "Cosmetic only",
		"summary.unchanged":           "%d clauses unchanged",
		"summary.effective":           "Effective date",
		"summary.nodate":              "none stated",
		"kind.added":                  "Added",
		"kind.removed":                "Removed",
		"kind.modified":               "Modified",
		"kind.moved":                  "Moved",
		"kind.split":                  "Split",
		"kind.merged":                 "Merged",
		"count.added":                 "%d added",
		"count.removed":               "%d removed",
		"count.modified":              "%d modified",
		"count.moved":                 "%d moved",
		"count.split":                 "%d split",
		"count.merged":                "%d merged",
		"change.moved.from":           "moved from %s",
		"change.cosmetic":             "cosmetic",
		"change.top":                  "Top of the document",
		"change.evidence":             "Why:",
		"change.context":              "Context, in words the edit left alone (not a reason):",
		"matters.heading":             "What matters",
		"matters.in":                  "The same edit in %d clauses",
		"matters.where":               "In %s",
		"matters.top":                 "At the top of the document",
		"clauses.all":                 "Every clause change",
		"clauses.rest":                "Every other clause change",
		"clauses.count.one":           "%d change",
		"clauses.count.other":         "%d changes",
		"filter.label":                "Filter the clause changes",
		"filter.any":                  "any",
		"filter.atleast":              "%s or more",
		"filter.showing":              "Showing %d of %d clause changes;",
		"filter.hidden.one":           "%d hidden by the filter.",
		"filter.hidden.other":         "%d hidden by the filter.",
		"filter.clear":                "Show them all",
		"filter.none":                 "No clause change matches this filter.",
		"legend":                      "Inserted words are underlined and marked +, deleted words are struck through and marked −.",
		"legend.ins":                  "inserted",
		"legend.del":                  "deleted",
		"topics":                      "Topics",
		"severity":                    "Severity",
		// Topic and severity names are in package labels, shared with the emails.
		"version.title":          "%s, version of %s",
		"version.description":    "Full text of %s as fetched on %s, with the history of each clause.",
		"version.prev":           "Previous version",
		"version.next":           "Next version",
		"version.changein":       "What changed in this version",
		"version.changeout":      "What changed in the next version",
		"version.source":         "Extracted from the archived page",
		"version.history":        "This clause over time",
		"version.since":          "Present since the first version recorded (%s)",
		"version.added":          "Added on %s",
		"version.changed":        "%s on %s",
		"version.removed":        "Removed on %s",
		"version.still":          "Still in the latest version",
		"version.until":          "Last seen in the version of %s",
		"version.clauses":        "%d clauses",
		"version.latest":         "This is the latest version.",
		"snapshot.title":         "Archived page of %s, %s",
		"snapshot.heading":       "Archived page",
		"snapshot.raw":           "Raw bytes",
		"snapshot.download":      "Download",
		"snapshot.status":        "HTTP status",
		"snapshot.type":          "Content type",
		"snapshot.size":          "Size",
		"snapshot.bytes":         "%d bytes",
		"snapshot.headers":       "Response headers",
		"snapshot.body":          "Body as text",
		"snapshot.cite":          "To cite this page, give its URL, the fetch time and the SHA-256 above: anyone can check that the bytes are unchanged.",
		"snapshot.cite.archived": "To cite this copy, give the original page's URL, the archive that fetched it and when, and the SHA-256 above: anyone can check that the bytes are unchanged. Credit the archive as its licence asks.",
		"source.archived":        "archived copy, fetched by %s at",
		"source.copy":            "copy",
		"source.archived.anon":   "archived copy, recorded as fetched at",
		"source.archive.link":    "copy in the archive",
		"source.license":         "licence",
		"search.title":           "Search",
		"search.title.q":         "“%s” in all versions",
		"search.description":     "Find which versions of WhatsApp and Meta policies contain a phrase, and when it first and last appeared.",
		"search.help":            "Searches every version of every document for the words in this order, ignoring case and accents.",
		"search.none":            "No version of any document contains “%s”.",
		"search.truncated":       "Many clauses match: only the first %d are counted. Use a longer phrase.",
		"search.in":              "In %d of %d versions",
		"search.first":           "First seen",
		"search.last":            "Last seen",
		"search.latest":          "Still in the latest version",
		"search.gone":            "No longer in the latest version",
		"search.runs":            "Present",
		"search.run":             "from %s to %s",
		"search.run.until":       "removed on %s",
		"search.matches":         "Clauses containing it",
		"search.versions":        "in %d versions",
		"search.toolong":         "This search is too long: use at most %d characters.",
		"search.noword":          "Type at least one word or number to search for.",

		// The subscription pages (subscribe.go).
		"sub.title":              "Email alerts",
		"sub.intro":              "Get an email when a watched policy changes in a way that matters to you: what changed, clause by clause, and a link to the archived copy.",
		"sub.email":              "Email address",
		"sub.documents":          "Documents",
		"sub.documents.hint":     "Leave all unticked to follow every document, also those added later.",
		"sub.topics":             "Topics",
		"sub.topics.hint":        "Leave all unticked to get every material change.",
		"sub.frequency":          "How often",
		"sub.immediate":          "An email for each change, as soon as it is noticed",
		"sub.daily":              "One email a day with the day's changes",
		"sub.language":           "Language of the emails",
		"sub.subscribe":          "Subscribe",
		"sub.inbox.title":        "Check your inbox",
		"sub.inbox":              "If the address can receive alerts, an email is on its way with a link to confirm the subscription. Nothing is sent before you confirm; the link works for seven days.",
		"sub.confirm.title":      "Confirm your subscription",
		"sub.confirm":            "Press the button to start receiving clausewatch alerts at %s.",
		"sub.confirm.button":     "Confirm my subscription",
		"sub.confirmed.title":    "You are subscribed",
		"sub.confirmed":          "You will receive alerts from now on. Every email has a link to change what you receive or to unsubscribe.",
		"sub.preferences.link":   "Change what you receive",
		"sub.unsubscribe.title":  "Unsubscribe",
		"sub.unsubscribe":        "Press the button to stop all clausewatch alerts to %s.",
		"sub.unsubscribe.button": "Unsubscribe",
		"sub.unsubscribed.title": "You are unsubscribed",
		"sub.unsubscribed":       "No more alerts will be sent to this address. You can subscribe again at any time.",
		"sub.preferences.title":  "Your alerts",
		"sub.preferences":        "Alerts for %s.",
		"sub.save":               "Save",
		"sub.saved.title":        "Saved",
		"sub.saved":              "Your choices are saved and apply to the next changes.",
		"sub.off":                "Email alerts are not configured on this server.",
		"sub.off.feeds":          "You can follow every change in a feed reader instead:",
		"sub.err.email.empty":    "Enter an email address.",
		"sub.err.email.long":     "This address is too long.",
		"sub.err.email.invalid":  "This is not an email address: write it as name@example.org, without spaces or a name.",
		"sub.err.token.invalid":  "This link is damaged or was not sent by this site. Copy the whole link from the email, or subscribe again.",
		"sub.err.token.expired":  "This link has expired. Subscribe again to get a new one.",
		"sub.err.token.gone":     "This subscription no longer exists. Subscribe again if you want alerts.",
		"sub.err.ratelimit":      "Too many subscription requests from your address: try again in a few minutes.",
		"sub.err.csrf":           "The form expired or was sent from another site: reload the subscription page and send it again.",
		"sub.err.toolarge":       "The form is larger than %d bytes: tick fewer boxes and send it again.",
		"sub.err.form":           "The form could not be read: reload the page and send it again.",
	}
}

func messagesES() map[string]string {
	return map[string]string{
		"site.tagline":                "Qué cambió en las políticas de privacidad de WhatsApp y Meta, cláusula por cláusula",
		"nav.skip":                    "Ir al contenido",
		"nav.main":                    "Principal",
		"nav.documents":               "Documentos",
		"nav.search":                  "Buscar",
		"nav.subscribe":               "Alertas",
		"nav.language":                "Idioma",
		"search.label":                "Buscar en todas las versiones",
		"search.button":               "Buscar",
		"feeds.atom":                  "Canal Atom de cambios",
		"feeds.rss":                   "Canal RSS de cambios",
		"footer.feeds":                "Canales:",
		"footer.api":                  "API JSON",
		"footer.credit":               "Las versiones archivadas antes del inicio del seguimiento provienen de Open Terms Archive (ODC-By 1.0). Textos de las políticas © WhatsApp/Meta.",
		"error.title":                 "Error %d",
		"error.back":                  "Volver a los documentos",
		"error.404":                   "No hay nada en esta dirección.",
		"error.500":                   "Algo falló de nuestro lado. Vuelva a intentarlo más tarde.",
		"docs.title":                  "Documentos vigilados",
		"docs.description":            "Todas las políticas de WhatsApp y Meta vigiladas, con sus versiones, su última comprobación y su último cambio sustancial.",
		"docs.none":                   "Todavía no se vigila ningún documento.",
		"docs.col.document":           "Documento",
		"docs.col.service":            "Servicio",
		"docs.col.region":             "Región",
		"docs.col.language":           "Idioma",
		"docs.col.check":              "Última comprobación",
		"docs.col.change":             "Último cambio sustancial",
		"docs.col.versions":           "Versiones",
		"docs.never":                  "nunca comprobado",
		"docs.nochange":               "ninguno todavía",
		"docs.failing":                "Con fallos",
		"docs.failing.since":          "último éxito %s",
		"docs.failing.count":          "%d con fallos",
		"docs.all":                    "todas",
		"outcome.new-version":         "nueva versión",
		"outcome.unchanged":           "sin cambios",
		"outcome.not-modified":        "sin cambios (304)",
		"outcome.suspect":             "sospechosa",
		"outcome.superseded":          "superada por una descarga posterior",
		"outcome.failed":              "fallida",
		"versions.one":                "%d versión",
		"versions.other":              "%d versiones",
		"timeline.title":              "Historial de %s",
		"timeline.description":        "%s: %d versiones desde el %s, cada una comparada cláusula por cláusula con la anterior.",
		"timeline.heading":            "Versiones",
		"timeline.source":             "Fuente",
		"timeline.detected":           "Detectada",
		"timeline.effective":          "En vigor",
		"timeline.first":              "Primera versión registrada",
		"timeline.diff":               "Ver qué cambió",
		"timeline.text":               "Texto completo",
		"timeline.cosmetic.other":     "%d versiones con cambios solo de forma (redacción, espacios, enlaces): nada sustancial cambió",
		"timeline.cosmetic.one":       "%d versión con cambios solo de forma (redacción, espacios, enlaces): nada sustancial cambió",
		"timeline.variation.other":    "%d variaciones de captura: la página mostró u ocultó texto que ya había mostrado; no cambió la redacción y no se avisó a nadie",
		"timeline.variation.one":      "%d variación de captura: la página mostró u ocultó texto que ya había mostrado; no cambió la redacción y no se avisó a nadie",
		"change.restored":             "restablecida: la política ya decía esto antes",
		"change.restored.seen":        "restablecida: vista por última vez el %s",
		"change.toggled":              "estado de la página: este texto ya apareció o desapareció antes con las notas o pestañas de la página",
		"state.settling":              "Pendiente de confirmación: de momento se ha visto en una sola descarga. Se avisa a los suscriptores y a los canales cuando otra descarga lee el mismo texto; si antes la página vuelve atrás, no se avisa a nadie.",
		"state.settling.presentation": "Pendiente de confirmación: un bloque de la página apareció o desapareció sin que cambiara la redacción a su alrededor, como cuando se capturan notas, pestañas o desplegables abiertos o cerrados. Solo se avisa si se mantiene durante el plazo de confirmación (30 días salvo otra configuración).",
		"state.transient":             "No duró: la página volvió a cambiar antes de que esto se confirmara, así que no se avisó a nadie.",
		"state.variation":             "Variación de captura: la página mostró u ocultó texto que ya había mostrado (notas, pestañas o desplegables capturados abiertos o cerrados). No cambió la redacción; no se avisó a nadie y los canales no la incluyen.",
		"state.presentation":          "Cambio de presentación: un bloque de la página apareció o desapareció sin que cambiara la redacción a su alrededor, y se mantuvo lo suficiente como para avisar.",
		"timeline.none":               "Todavía no hay ninguna versión registrada.",
		"timeline.lastcheck":          "Última comprobación: %s, %s.",
		"compare.title":               "Comparar versiones de %s",
		"compare.heading":             "Comparar dos versiones cualesquiera",
		"compare.from":                "Desde (más antigua)",
		"compare.to":                  "Hasta (más reciente)",
		"compare.button":              "Comparar",
		"compare.same":                "Ambos lados son la misma versión: elija dos versiones distintas.",
		"compare.description":         "%s: las cláusulas que difieren entre las versiones del %s y del %s.",
		"compare.pick":                "Elija dos versiones para ver cada cláusula que difiere entre ellas.",
		"change.title":                "%s (%s, %s)",
		"change.subtitle":             "%s, entre la versión del %s y la versión del %s.",
		"change.intro":                "Entre la versión del %s y la versión del %s.",
		"change.views":                "Vista",
		"change.inline":               "En línea",
		"change.side":                 "Lado a lado",
		"change.old":                  "Antes",
		"change.new":                  "Después",
		"change.prev":                 "Cambio anterior",
		"change.next":                 "Cambio siguiente",
		"change.versions":             "Versiones y fuentes",
		"change.version.old":          "Antes: versión del %s",
		"change.version.new":          "Después: versión del %s",
		"change.snapshot":             "Página archivada",
		"change.fetched":              "obtenida",
		"change.source":               "fuente",
		"change.sha256":               "SHA-256",
		"change.timeline":             "Todas las versiones de este documento",
		"change.none":                 "Las versiones solo difieren en texto que no forma parte de ninguna cláusula.",
		"summary.material":            "Cambio sustancial",
		"summary.cosmetic":            "Solo de forma",
		"summary.unchanged":           "%d cláusulas sin cambios",
		"summary.effective":           "Fecha de entrada en vigor",
		"summary.nodate":              "no indicada",
		"kind.added":                  "Añadida",
		"kind.removed":                "Eliminada",
		"kind.modified":               "Modificada",
		"kind.moved":                  "Movida",
		"kind.split":                  "Dividida",
		"kind.merged":                 "Fusionada",
		"count.added":                 "%d añadidas",
		"count.removed":               "%d eliminadas",
		"count.modified":              "%d modificadas",
		"count.moved":                 "%d movidas",
		"count.split":                 "%d divididas",
		"count.merged":                "%d fusionadas",
		"change.moved.from":           "movida desde %s",
		"change.cosmetic":             "de forma",
		"change.top":                  "Inicio del documento",
		"change.evidence":             "Motivo:",
		"change.context":              "Contexto, en palabras que el cambio no tocó (no es un motivo):",
		"matters.heading":             "Lo que importa",
		"matters.in":                  "El mismo cambio en %d cláusulas",
		"matters.where":               "En %s",
		"matters.top":                 "Al inicio del documento",
		"clauses.all":                 "Todos los cambios de cláusulas",
		"clauses.rest":                "Los demás cambios de cláusulas",
		"clauses.count.one":           "%d cambio",
		"clauses.count.other":         "%d cambios",
		"filter.label":                "Filtrar los cambios de cláusulas",
		"filter.any":                  "cualquiera",
		"filter.atleast":              "%s o más",
		"filter.showing":              "Se muestran %d de %d cambios de cláusulas;",
		"filter.hidden.one":           "%d oculto por el filtro.",
		"filter.hidden.other":         "%d ocultos por el filtro.",
		"filter.clear":                "Mostrarlos todos",
		"filter.none":                 "Ningún cambio de cláusula coincide con este filtro.",
		"legend":                      "Las palabras añadidas aparecen subrayadas y marcadas con +, las eliminadas tachadas y marcadas con −.",
		"legend.ins":                  "añadido",
		"legend.del":                  "eliminado",
		"topics":                      "Temas",
		"severity":                    "Gravedad",
		// Topic and severity names are in package labels, shared with the emails.
		"version.title":          "%s, versión del %s",
		"version.description":    "Texto completo de %s obtenido el %s, con el historial de cada cláusula.",
		"version.prev":           "Versión anterior",
		"version.next":           "Versión siguiente",
		"version.changein":       "Qué cambió en esta versión",
		"version.changeout":      "Qué cambió en la versión siguiente",
		"version.source":         "Extraída de la página archivada",
		"version.history":        "Esta cláusula a lo largo del tiempo",
		"version.since":          "Presente desde la primera versión registrada (%s)",
		"version.added":          "Añadida el %s",
		"version.changed":        "%s el %s",
		"version.removed":        "Eliminada el %s",
		"version.still":          "Sigue en la última versión",
		"version.until":          "Vista por última vez en la versión del %s",
		"version.clauses":        "%d cláusulas",
		"version.latest":         "Esta es la última versión.",
		"snapshot.title":         "Página archivada de %s, %s",
		"snapshot.heading":       "Página archivada",
		"snapshot.raw":           "Bytes originales",
		"snapshot.download":      "Descargar",
		"snapshot.status":        "Estado HTTP",
		"snapshot.type":          "Tipo de contenido",
		"snapshot.size":          "Tamaño",
		"snapshot.bytes":         "%d bytes",
		"snapshot.headers":       "Cabeceras de la respuesta",
		"snapshot.body":          "Contenido como texto",
		"snapshot.cite":          "Para citar esta página, indique su URL, la hora de obtención y el SHA-256 de arriba: cualquiera puede comprobar que los bytes no han cambiado.",
		"snapshot.cite.archived": "Para citar esta copia, indique la URL de la página original, el archivo que la obtuvo y cuándo, y el SHA-256 de arriba: cualquiera puede comprobar que los bytes no han cambiado. Cite el archivo como pide su licencia.",
		"source.archived":        "copia archivada, obtenida por %s el",
		"source.copy":            "copia",
		"source.archived.anon":   "copia archivada, registrada como obtenida el",
		"source.archive.link":    "copia en el archivo",
		"source.license":         "licencia",
		"search.title":           "Buscar",
		"search.title.q":         "«%s» en todas las versiones",
		"search.description":     "Encuentre qué versiones de las políticas de WhatsApp y Meta contienen una frase, y cuándo apareció por primera y por última vez.",
		"search.help":            "Busca las palabras en este orden en todas las versiones de todos los documentos, sin distinguir mayúsculas ni acentos.",
		"search.none":            "Ninguna versión de ningún documento contiene «%s».",
		"search.truncated":       "Coinciden muchas cláusulas: solo se cuentan las %d primeras. Use una frase más larga.",
		"search.in":              "En %d de %d versiones",
		"search.first":           "Vista por primera vez",
		"search.last":            "Vista por última vez",
		"search.latest":          "Sigue en la última versión",
		"search.gone":            "Ya no está en la última versión",
		"search.runs":            "Presente",
		"search.run":             "del %s al %s",
		"search.run.until":       "eliminada el %s",
		"search.matches":         "Cláusulas que la contienen",
		"search.versions":        "en %d versiones",
		"search.toolong":         "Esta búsqueda es demasiado larga: use como máximo %d caracteres.",
		"search.noword":          "Escriba al menos una palabra o un número para buscar.",

		// The subscription pages (subscribe.go).
		"sub.title":              "Alertas por correo",
		"sub.intro":              "Reciba un correo cuando una política vigilada cambie en lo que le importa: qué cambió, cláusula por cláusula, con enlace a la copia archivada.",
		"sub.email":              "Correo electrónico",
		"sub.documents":          "Documentos",
		"sub.documents.hint":     "Si no marca ninguno, seguirá todos, también los que se añadan más adelante.",
		"sub.topics":             "Temas",
		"sub.topics.hint":        "Si no marca ninguno, recibirá todos los cambios relevantes.",
		"sub.frequency":          "Frecuencia",
		"sub.immediate":          "Un correo por cada cambio, en cuanto se detecta",
		"sub.daily":              "Un correo al día con los cambios del día",
		"sub.language":           "Idioma de los correos",
		"sub.subscribe":          "Suscribirme",
		"sub.inbox.title":        "Revise su correo",
		"sub.inbox":              "Si la dirección puede recibir alertas, le llegará un correo con un enlace para confirmar la suscripción. No enviamos nada hasta que confirme; el enlace funciona durante siete días.",
		"sub.confirm.title":      "Confirme su suscripción",
		"sub.confirm":            "Pulse el botón para empezar a recibir las alertas de clausewatch en %s.",
		"sub.confirm.button":     "Confirmar la suscripción",
		"sub.confirmed.title":    "Suscripción confirmada",
		"sub.confirmed":          "A partir de ahora recibirá las alertas. Cada correo incluye un enlace para elegir qué recibe o darse de baja.",
		"sub.preferences.link":   "Elegir qué recibe",
		"sub.unsubscribe.title":  "Darse de baja",
		"sub.unsubscribe":        "Pulse el botón para dejar de recibir las alertas de clausewatch en %s.",
		"sub.unsubscribe.button": "Darme de baja",
		"sub.unsubscribed.title": "Se ha dado de baja",
		"sub.unsubscribed":       "No enviaremos más alertas a esta dirección. Puede volver a suscribirse cuando quiera.",
		"sub.preferences.title":  "Sus alertas",
		"sub.preferences":        "Alertas para %s.",
		"sub.save":               "Guardar",
		"sub.saved.title":        "Cambios guardados",
		"sub.saved":              "Sus preferencias se han guardado y se aplicarán a los próximos cambios.",
		"sub.off":                "Las alertas por correo no están configuradas en este servidor.",
		"sub.off.feeds":          "Puede seguir todos los cambios con un lector de canales:",
		"sub.err.email.empty":    "Escriba una dirección de correo.",
		"sub.err.email.long":     "La dirección es demasiado larga.",
		"sub.err.email.invalid":  "No es una dirección de correo válida: escríbala como nombre@ejemplo.org, sin espacios ni nombre.",
		"sub.err.token.invalid":  "El enlace está dañado o no lo envió este sitio. Copie el enlace completo del correo o vuelva a suscribirse.",
		"sub.err.token.expired":  "El enlace ha caducado. Vuelva a suscribirse para recibir uno nuevo.",
		"sub.err.token.gone":     "Esta suscripción ya no existe. Vuelva a suscribirse si quiere recibir alertas.",
		"sub.err.ratelimit":      "Demasiadas solicitudes de suscripción desde su dirección: vuelva a intentarlo dentro de unos minutos.",
		"sub.err.csrf":           "El formulario ha caducado o se envió desde otro sitio: vuelva a cargar la página de suscripción y envíelo de nuevo.",
		"sub.err.toolarge":       "El formulario ocupa más de %d bytes: marque menos casillas y envíelo de nuevo.",
		"sub.err.form":           "No se pudo leer el formulario: vuelva a cargar la página y envíelo de nuevo.",
	}
}
