// Package labels names topics and severities for readers, in English and
// Spanish. It is the one catalogue of those words, so that a badge on a
// page, a feed entry and an alert email call a topic by the same name; the
// pages and the emails keep their own sentences around them.
//
// Labels are written for each language, not translated word for word: the
// Spanish ones use the words of Spanish data-protection writing ("cesión de
// datos" for data sharing).
package labels

import (
	"strings"

	"github.com/clausewatch/clausewatch/diff"
)

// label is one catalogue entry, its English and Spanish words side by side
// so that a reviewer sees both at once.
type label struct{ en, es string }

// in returns the words for lang: Spanish for "es", English for anything
// else, English being the language every reader is offered.
func (l label) in(lang string) string {
	if lang == "es" {
		return l.es
	}
	return l.en
}

// topicLabel returns the catalogue entry of a topic. The names are the
// stable topic names of package topics (a contract of feeds, alerts and the
// API), which a test checks this list against.
func topicLabel(name string) (label, bool) {
	switch name {
	case "data-sharing":
		return label{"data sharing", "cesión de datos"}, true
	case "data-collection":
		return label{"data collection", "recogida de datos"}, true
	case "third-party-collection":
		return label{"data from third parties", "datos obtenidos de terceros"}, true
	case "advertising":
		return label{"advertising", "publicidad"}, true
	case "retention":
		return label{"data retention", "conservación de datos"}, true
	case "user-rights":
		return label{"users' rights", "derechos de los usuarios"}, true
	case "international-transfers":
		return label{"international transfers", "transferencias internacionales"}, true
	case "security":
		return label{"security", "seguridad"}, true
	case "children":
		return label{"children", "menores"}, true
	case "ai":
		return label{"artificial intelligence", "inteligencia artificial"}, true
	case "legal-basis":
		return label{"legal basis", "base jurídica"}, true
	case "policy-changes":
		return label{"changes to the policy", "cambios en la propia política"}, true
	}
	return label{}, false
}

// Topic names a topic in lang ("en" or "es"; any other language reads
// English). A topic the catalogue does not know reads as its name with
// spaces ("data-sharing" as "data sharing"), so that a topic added to the
// classifier before its label still shows as words.
func Topic(name, lang string) string {
	if l, ok := topicLabel(name); ok {
		return l.in(lang)
	}
	return strings.ReplaceAll(name, "-", " ")
}

// Severity names a severity in lang ("en" or "es"; any other language reads
// English). A value that is not a severity is returned as it is, so that a
// row written by a newer classifier still shows something.
func Severity(s diff.Severity, lang string) string {
	var l label
	switch s {
	case diff.SeverityNone:
		l = label{"none", "ninguna"}
	case diff.SeverityLow:
		l = label{"low", "baja"}
	case diff.SeverityMedium:
		l = label{"medium", "media"}
	case diff.SeverityHigh:
		l = label{"high", "alta"}
	case diff.SeverityCritical:
		l = label{"critical", "crítica"}
	default:
		return string(s)
	}
	return l.in(lang)
}
