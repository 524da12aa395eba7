package labels

import "testing"

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
