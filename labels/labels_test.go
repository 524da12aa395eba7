package labels

import (
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/topics"
)

// TestEveryTopicAndSeverityHasLabels keeps the catalogue in step with the
// classifier: a topic or a severity without words in a language would show
// its raw name to readers of that language.
func TestEveryTopicAndSeverityHasLabels(t *testing.T) {
	for _, name := range topics.All() {
		l, ok := topicLabel(name)
		if !ok || l.en == "" || l.es == "" {
			t.Errorf("topic %q has no label in both languages: %+v", name, l)
		}
	}
	for _, s := range diff.Severities() {
		for _, lang := range []string{"en", "es"} {
			if Severity(s, lang) == "" {
				t.Errorf("severity %q has no %s label", s, lang)
			}
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct{ got, want string }{
		{Topic("data-sharing", "en"), "data sharing"},
		{Topic("data-sharing", "es"), "cesión de datos"},
		{Topic("retention", "fr"), "data retention"}, // other languages read English
		{Topic("new-topic", "es"), "new topic"},      // unknown topics read as words
		{Severity(diff.SeverityCritical, "en"), "critical"},
		{Severity(diff.SeverityCritical, "es"), "crítica"},
		{Severity(diff.SeverityHigh, ""), "high"},
		{Severity("severe", "es"), "severe"},
		{Severity("", "es"), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
