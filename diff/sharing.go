package diff

// What matters in a change is who gets which data. The classifier (package
// topics) reads each clause as statements: an action, data categories, the
// recipients, a purpose, a condition, and whether the clause denies it. A
// change carries the differences between the statements of its old and new
// clauses, and a short list of the clauses a reader should see first. The
// types live here, beside ChangeSet, because storage, pages, feeds and emails
// all read them from stored change sets; only package topics fills them.

// Statement actions: what a clause says the service does with data. They
// are a contract (the API and `changes --format json` carry them).
const (
	ActionShares      = "shares"       // shares, makes available
	ActionDiscloses   = "discloses"    // discloses, reveals, publishes
	ActionSells       = "sells"        // sells, rents, trades for value
	ActionTransfers   = "transfers"    // transfers, transmits, sends, hands over
	ActionGivesAccess = "gives-access" // lets a recipient access or collect
	ActionReceives    = "receives"     // a recipient receives data from the service
)

// Actions lists the statement actions.
func Actions() []string {
	return []string{ActionShares, ActionDiscloses, ActionSells, ActionTransfers, ActionGivesAccess, ActionReceives}
}

// Statement is one thing a clause says about who gets data. Data,
// Recipients, Purpose and Condition are keys of the classifier's
// vocabulary (labels names them for readers): a recipient is keyed by who
// it is, so "Facebook Companies" and "Meta Companies" are one recipient, and
// a named company's key is "org:" followed by its name. Negated is set when
// the clause denies it ("we do not sell"). Evidence quotes each part.
type Statement struct {
	Action     string   `json:"action"`
	Data       []string `json:"data"`
	Recipients []string `json:"recipients"`
	Purpose    string   `json:"purpose"`
	Condition  string   `json:"condition"`
	Negated    bool     `json:"negated"`
	Evidence   []Quote  `json:"evidence"`
}

// Quote is the phrase behind one part of a statement: Part is "action",
// "data", "recipient", "purpose", "condition" or "negation"; Start and End
// are byte offsets into the text of the clause the statement was read from.
type Quote struct {
	Part  string `json:"part"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Statement delta operations.
const (
	DeltaAdded   = "added"   // a statement the old clause did not make
	DeltaRemoved = "removed" // a statement the new clause no longer makes
	DeltaChanged = "changed" // the same action and some of the same recipients (or one names none), other keys
)

// SharingDelta is one difference between the statements of a change's old
// and new clauses. The embedded Statement is the statement as it stands
// after the change (before it, for a removed one); Was is how a changed
// statement stood before. Change is the index in ChangeSet.Changes of the
// clause edit it comes from, and Severity what it weighs (docs/topics.md).
type SharingDelta struct {
	Op string `json:"op"`
	Statement
	Was      *Statement `json:"was,omitempty"`
	Change   int        `json:"change"`
	Severity Severity   `json:"severity"`
}

// Matter is one entry of a change's "what matters" list: a clause edit, or
// the same edit repeated in several clauses (one phrase inserted into 24
// table rows), shown once. Changes are indices in ChangeSet.Changes, the
// first the one to show; Severity and Topics are the entry's.
type Matter struct {
	Changes  []int    `json:"changes"`
	Severity Severity `json:"severity"`
	Topics   []string `json:"topics"`
}

// WithLists returns s with its lists present even when empty, so that JSON
// says [] rather than null, as the contracts (the API, the commands, the
// webhooks) describe them, whatever rules stored it. The lists are copied.
func (s Statement) WithLists() Statement {
	s.Data = append([]string{}, s.Data...)
	s.Recipients = append([]string{}, s.Recipients...)
	s.Evidence = append([]Quote{}, s.Evidence...)
	return s
}

// SharingWithLists returns a copy of ds in which every list is present
// (Statement.WithLists), ds itself included.
func SharingWithLists(ds []SharingDelta) []SharingDelta {
	out := make([]SharingDelta, len(ds))
	for i, d := range ds {
		d.Statement = d.Statement.WithLists()
		if d.Was != nil {
			was := d.Was.WithLists()
			d.Was = &was
		}
		out[i] = d
	}
	return out
}
