package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// Webhook formats.
const (
	FormatJSON  = "json"
	FormatSlack = "slack"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the request
// body under the webhook's secret; DeliveryHeader the delivery id, the same
// on every retry, for receivers to drop duplicates.
const (
	SignatureHeader = "X-Clausewatch-Signature"
	DeliveryHeader  = "X-Clausewatch-Delivery"
)

// maxWebhookChanges bounds the clause changes in one payload; the rest are
// counted and left to the change page.
const maxWebhookChanges = 50

// WebhookPayload is the JSON body POSTed for a change (format json); it is
// documented in docs/webhooks.md and changes only by adding fields.
type WebhookPayload struct {
	Event      string          `json:"event"` // "change"
	DeliveryID int64           `json:"delivery_id"`
	ChangeID   int64           `json:"change_id"`
	DetectedAt time.Time       `json:"detected_at"`
	Document   WebhookDocument `json:"document"`
	Severity   diff.Severity   `json:"severity"`
	Topics     []string        `json:"topics"`
	// Alert says whether the change alerts subscribers of its topics;
	// Headline says in English what matters in it; Sharing lists the
	// differences in who gets which data (docs/changeset.md).
	Alert         bool                `json:"alert"`
	Headline      string              `json:"headline"`
	Sharing       []diff.SharingDelta `json:"sharing"`
	Summary       diff.Summary        `json:"summary"`
	EffectiveDate diff.Dates          `json:"effective_date"`
	Snapshot      WebhookSnapshot     `json:"snapshot"`
	Links         WebhookLinks        `json:"links"`
	Changes       []WebhookClause     `json:"changes"`
	Omitted       int                 `json:"omitted_changes"`
}

// WebhookDocument names the document that changed.
type WebhookDocument struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Service string `json:"service"`
	Title   string `json:"title"`
	Region  string `json:"region"`
	URL     string `json:"url"`
}

// WebhookSnapshot identifies the archived page of the new version.
type WebhookSnapshot struct {
	ID        int64     `json:"id"`
	SHA256    string    `json:"sha256"`
	FetchedAt time.Time `json:"fetched_at"`
}

// WebhookLinks are the pages to read the change on.
type WebhookLinks struct {
	Change   string `json:"change"`
	Snapshot string `json:"snapshot"`
}

// WebhookClause is one material clause change.
type WebhookClause struct {
	Kind     string          `json:"kind"`
	Section  []string        `json:"section"`
	Old      string          `json:"old"` // "" for an added clause
	New      string          `json:"new"` // "" for a removed clause
	Words    []diff.Span     `json:"words"`
	Topics   []string        `json:"topics"`
	Severity diff.Severity   `json:"severity"`
	Evidence []diff.Evidence `json:"evidence"`
}

// WebhookBody builds the request body of a delivery in the webhook's
// format.
func (c *Composer) WebhookBody(format string, deliveryID int64, ac *data.AlertChange) ([]byte, error) {
	var cs diff.ChangeSet
	if err := json.Unmarshal(ac.Change.ChangeSet, &cs); err != nil {
		return nil, fmt.Errorf("notify: decode change set of change %d: %w", ac.Change.ID, err)
	}
	p := WebhookPayload{
		Event: "change", DeliveryID: deliveryID, ChangeID: ac.Change.ID, DetectedAt: ac.Change.DetectedAt.UTC(),
		Document: WebhookDocument{
			ID: ac.Document.ID, Name: DocumentName(ac.Document), Service: ac.Document.Service,
			Title: ac.Document.Title, Region: ac.Document.Region, URL: ac.Document.URL,
		},
		Severity: diff.Severity(ac.Change.Severity), Topics: nonNil(ac.Change.Topics),
		Alert: ac.Change.Alert, Headline: oneLine(labels.Headline(ac.Document.Service, cs, "en")), Sharing: diff.SharingWithLists(ac.Change.Sharing),
		Summary: cs.Summary, EffectiveDate: cs.EffectiveDate,
		Snapshot: WebhookSnapshot{ID: ac.Snapshot.ID, SHA256: ac.Snapshot.SHA256, FetchedAt: ac.Snapshot.FetchedAt.UTC()},
		Links:    WebhookLinks{Change: c.changeURL(ac.Change.ID), Snapshot: c.snapshotURL(ac.Snapshot.ID)},
		Changes:  []WebhookClause{},
	}
	for _, ch := range cs.Changes {
		if !ch.Material {
			continue
		}
		if len(p.Changes) == maxWebhookChanges {
			p.Omitted++
			continue
		}
		wc := WebhookClause{Kind: ch.Kind, Section: nonNil(ch.Section()), Words: ch.Words, Topics: nonNil(ch.Topics),
			Severity: ch.Severity, Evidence: ch.Evidence}
		if wc.Words == nil {
			wc.Words = []diff.Span{}
		}
		if wc.Evidence == nil {
			wc.Evidence = []diff.Evidence{}
		}
		if ch.Old != nil {
			wc.Old = ch.Old.Text
		}
		if ch.New != nil {
			wc.New = ch.New.Text
		}
		p.Changes = append(p.Changes, wc)
	}
	if format == FormatSlack {
		return json.Marshal(map[string]string{"text": slackText(p, &cs, english)})
	}
	return json.Marshal(p)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackText is a short message that Slack and Mattermost render: the
// change's headline and severity, the document, then up to five changed
// clauses, those that matter first, and the link to the full change.
func slackText(p WebhookPayload, cs *diff.ChangeSet, m *messages) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*", slackEscape.Replace(p.Headline))
	if p.Severity != "" {
		fmt.Fprintf(&b, " (%s: %s)", strings.ToLower(m.severity), labels.Severity(p.Severity, m.lang))
	}
	fmt.Fprintf(&b, "\n%s", slackEscape.Replace(oneLine(p.Document.Name)))
	if len(p.Topics) > 0 {
		fmt.Fprintf(&b, " — %s", m.topicList(p.Topics))
	}
	b.WriteString("\n")
	var order []int
	for _, e := range whatMatters(cs, nil) {
		order = append(order, e.Changes[0])
	}
	for i, ch := range cs.Changes {
		if ch.Material && !slices.Contains(order, i) {
			order = append(order, i)
		}
	}
	for n, i := range order {
		if n == 5 {
			fmt.Fprintf(&b, "…and %d more\n", len(order)-5)
			break
		}
		ch := cs.Changes[i]
		text := ""
		switch {
		case ch.New != nil:
			text = ch.New.Text
		case ch.Old != nil:
			text = ch.Old.Text
		}
		fmt.Fprintf(&b, "• _%s_ — %s: %s\n", slackEscape.Replace(sectionTitle(ch.Section())), m.kind(ch.Kind), slackEscape.Replace(truncate(clean(text), 280)))
	}
	fmt.Fprintf(&b, "<%s|%s>", p.Links.Change, m.changePage)
	return b.String()
}

// Sign returns the X-Clausewatch-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// postWebhook sends one body. 2xx is success; 408, 429 and 5xx are
// temporary; other statuses refuse the request for good. A network error
// is temporary even if the receiver may have got the body: webhooks are
// delivered at least once, and receivers drop duplicates by DeliveryHeader.
func postWebhook(ctx context.Context, client *http.Client, url, secret string, deliveryID int64, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &SendError{Outcome: Permanent, Err: fmt.Errorf("notify: webhook %s: %w", url, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "clausewatch-webhook/1")
	req.Header.Set(DeliveryHeader, strconv.FormatInt(deliveryID, 10))
	if secret != "" {
		req.Header.Set(SignatureHeader, Sign(secret, body))
	}
	resp, err := client.Do(req)
	if err != nil {
		return &SendError{Outcome: Temporary, Err: fmt.Errorf("notify: webhook %s: %w", url, err)}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return nil
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
		return &SendError{Outcome: Temporary, Err: fmt.Errorf("notify: webhook %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(snippet)))}
	default:
		return &SendError{Outcome: Permanent, Err: fmt.Errorf("notify: webhook %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(snippet)))}
	}
}
