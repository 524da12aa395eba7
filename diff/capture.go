package diff

import "time"

// Pages do not always show the same text: notes behind "Learn more" are
// captured expanded one week and collapsed the next, tabs and accordions
// open and close. The archive keeps every distinct text, but a reader must
// not be told that clauses the policy has carried for years are new. The
// marks below let the pipeline say so; docs/capture.md explains the rules.
const (
	// Restored marks an added or reworded clause whose exact text was in an
	// earlier version of the document.
	Restored = "restored"
	// Toggled marks a clause whose text came or went before as one of the
	// page's states: it came in with a presentation change or a capture
	// variation, or (removed) it had gone and come back before.
	Toggled = "toggled"

	// Presentation is a change set that shows or hides a block of clauses
	// while the wording around it stays the same, the first time that
	// block comes or goes.
	Presentation = "presentation"
	// Variation is a presentation change whose block is mostly text the
	// document held before, or that came or went before: a capture
	// variation, never alerted.
	Variation = "variation"
)

// minPresentationBlock is the fewest clauses a block must have to be taken
// for a presentation change. A new paragraph or two with the rest of the
// policy untouched is how a policy quietly adds a practice, and must alert
// as an edit; the page states seen in real captures add or drop hundreds.
const minPresentationBlock = 10

// Seen says where a restored clause's text was last seen: the latest
// version that held it before it went.
type Seen struct {
	Version int64     `json:"version"`
	At      time.Time `json:"at"`
}

// CaptureTexts returns the texts the pipeline looks up in the document's
// history to mark cs: the new text of each added or modified clause (it may
// be restored or toggled) and the old text of each removed clause (it may
// be toggled).
func CaptureTexts(cs ChangeSet) (arrived, gone []string) {
	for _, c := range cs.Changes {
		switch c.Kind {
		case Added, Modified:
			arrived = append(arrived, c.New.Text)
		case Removed:
			gone = append(gone, c.Old.Text)
		}
	}
	return arrived, gone
}

// MarkCapture sets the Capture marks of cs's clause changes from the
// document's history: seen holds the arrived texts (CaptureTexts) that an
// earlier version held, with where they were last seen, and toggled the
// texts that came or went before as a page state. It clears the
// marks of every other change, so that marking again is idempotent.
func MarkCapture(cs *ChangeSet, seen map[string]Seen, toggled map[string]bool) {
	for k := range cs.Changes {
		c := &cs.Changes[k]
		c.Capture, c.LastSeen = "", nil
		switch c.Kind {
		case Added, Modified:
			if s, ok := seen[c.New.Text]; ok {
				c.Capture, c.LastSeen = Restored, &s
			} else if toggled[c.New.Text] {
				c.Capture = Toggled
			}
		case Removed:
			if toggled[c.Old.Text] {
				c.Capture = Toggled
			}
		}
	}
}

// CaptureKind says whether cs, marked and classified, edits the policy ("")
// or only shows or hides part of the page (Presentation, Variation). A
// change set is a presentation change when the date the policy states is
// the same on both sides, no clause is reworded, and at least
// minPresentationBlock clauses appear or disappear whole; it is a
// variation when at least half of those are restored or toggled, or when
// every material change is (a restored clause is never news, however few).
// A change that also edits wording is an edit: its restored and toggled
// clauses simply do not alert.
func CaptureKind(cs ChangeSet) string {
	block, held, material := 0, 0, 0
	for _, c := range cs.Changes {
		if !c.Material {
			continue
		}
		material++
		if c.Capture != "" {
			held++
		}
		switch c.Kind {
		case Added, Removed:
			block++
		case Moved:
		default:
			if c.Capture == "" {
				return ""
			}
		}
	}
	switch {
	case material > 0 && held == material:
		return Variation
	case cs.EffectiveDate.Old != cs.EffectiveDate.New || block < minPresentationBlock:
		return ""
	case 2*held >= block:
		return Variation
	default:
		return Presentation
	}
}
