package labels

import (
	"testing"
	"time"
)

func TestDocumentName(t *testing.T) {
	tests := []struct {
		name                       string
		id, service, title, region string
		want                       string
	}{
		{"title naming the service, with region", "x", "WhatsApp", "WhatsApp Privacy Policy", "European Region", "WhatsApp Privacy Policy (European Region)"},
		{"service in front of a title that lacks it", "x", "WhatsApp", "Terms of Service", "", "WhatsApp Terms of Service"},
		{"service named in another case", "x", "Meta", "META privacy policy", "", "META privacy policy"},
		{"title only", "x", "", "Meta Privacy Policy", "", "Meta Privacy Policy"},
		{"service and id when untitled", "wa", "WhatsApp", "", "", "WhatsApp wa"},
		{"id as a last resort", "wa-terms", "", "", "Global", "wa-terms (Global)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocumentName(tt.id, tt.service, tt.title, tt.region); got != tt.want {
				t.Errorf("DocumentName = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUpcoming(t *testing.T) {
	now := time.Date(2026, 8, 1, 23, 30, 0, 0, time.FixedZone("UTC+2", 2*3600)) // 21:30 UTC
	tests := []struct {
		stated string
		want   bool
	}{
		{"2026-08-17", true},
		{"2026-08-02", true},
		{"2026-08-01", false}, // today: in effect
		{"2021-01-04", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Upcoming(tt.stated, now); got != tt.want {
			t.Errorf("Upcoming(%q) = %v, want %v", tt.stated, got, tt.want)
		}
	}
}
