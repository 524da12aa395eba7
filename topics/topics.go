// Package topics tags policy clauses with what they are about (data sharing,
// retention, user rights, ...) and gives each change of a diff.ChangeSet a
// severity. It answers the question alerts hinge on, "does this change touch
// who gets the data?", with rules a reader can check: per-language lexicons
// of who (third parties, the Meta Companies, partners, authorities, ...),
// how (share, disclose, sell, collect, ...) and negation, and every topic
// comes with the phrases that triggered it so that a page or an email can
// quote and highlight why. The rules and their measured accuracy are
// described in docs/topics.md.
package topics

import "slices"

// Version identifies the rules. It is stored with every classified change so
// that `clausewatch reclassify` can tell which changes were tagged by older
// rules; bump it whenever a lexicon or a rule changes what is tagged.
const Version = "topics/4"

// Topic names. They are a contract (feeds, alerts and the JSON API use them)
// and never change. ThirdPartyCollection is data the service receives from
// others ("Partners share information about you with us"): collection from
// third parties, never the service sharing.
const (
	DataSharing            = "data-sharing"
	DataCollection         = "data-collection"
	ThirdPartyCollection   = "third-party-collection"
	Advertising            = "advertising"
	Retention              = "retention"
	UserRights             = "user-rights"
	InternationalTransfers = "international-transfers"
	Security               = "security"
	Children               = "children"
	AI                     = "ai"
	LegalBasis             = "legal-basis"
	PolicyChanges          = "policy-changes"
)

// All lists the topics in the order Classify reports them.
func All() []string {
	return []string{DataSharing, DataCollection, ThirdPartyCollection, Advertising, Retention, UserRights,
		InternationalTransfers, Security, Children, AI, LegalBasis, PolicyChanges}
}

// Match is one topic found in a clause with the evidence for it.
type Match struct {
	Topic string `json:"topic"`
	// Negated is set when every statement of the topic in the clause is
	// denied ("we do not sell", "nunca compartimos"). A negated sharing
	// clause is still a data-sharing clause: losing the negation is the
	// most serious change there is. Only data-sharing is checked for
	// negation.
	Negated  bool       `json:"negated"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is a phrase that triggered a topic: byte offsets [Start, End) in
// the classified text and the text itself.
type Evidence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Classify returns the topics of one clause, in the order of All, each with
// its evidence. lang is an ISO 639-1 code ("en", "es", "pt", "fr", "de");
// "" or a language without a lexicon is guessed with Language.
func Classify(text, lang string) []Match {
	return readerFor(text, lang).read(text, tokenize(text)).matches
}

// mergeTopics folds several matches of one topic (two rules for the same
// topic) into one; out is sorted by topic.
func mergeTopics(out []Match) []Match {
	merged := out[:0]
	for _, m := range out {
		if n := len(merged); n > 0 && merged[n-1].Topic == m.Topic {
			merged[n-1].Evidence = tidy(append(merged[n-1].Evidence, m.Evidence...))
			continue
		}
		merged = append(merged, m)
	}
	if merged == nil {
		return []Match{}
	}
	return merged
}

// tidy sorts evidence by position and drops phrases inside another one.
func tidy(ev []Evidence) []Evidence {
	slices.SortFunc(ev, func(a, b Evidence) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := ev[:0]
	for _, e := range ev {
		if n := len(out); n > 0 && e.End <= out[n-1].End {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Topics returns the names of matches.
func Topics(ms []Match) []string {
	names := make([]string, len(ms))
	for k, m := range ms {
		names[k] = m.Topic
	}
	return names
}

// Has reports whether ms has topic, and its match.
func Has(ms []Match, topic string) (Match, bool) {
	for _, m := range ms {
		if m.Topic == topic {
			return m, true
		}
	}
	return Match{}, false
}
