package labels

import (
	"strings"
	"time"
)

// DocumentName is how readers see a document named, everywhere: pages,
// feeds, emails and webhooks. The service leads unless the title already
// names it ("WhatsApp Privacy Policy", never "WhatsApp WhatsApp Privacy
// Policy"), and the region follows in parentheses, since WhatsApp gives its
// policy the same title in Europe and elsewhere; the id stands in for a
// missing title.
func DocumentName(id, service, title, region string) string {
	name := title
	switch {
	case name == "" && service == "":
		name = id
	case name == "":
		name = service + " " + id
	case service != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(service)):
		name = service + " " + name
	}
	if region != "" {
		name += " (" + region + ")"
	}
	return name
}

// Upcoming reports whether a date a policy states (YYYY-MM-DD) lies after
// the day of now, in UTC: the text has been published but does not apply
// yet, which readers must be told ("takes effect on …").
func Upcoming(stated string, now time.Time) bool {
	return stated != "" && stated > now.UTC().Format(time.DateOnly)
}
