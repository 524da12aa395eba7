package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/diff"
)

// subscribeConfirmed adds a confirmed subscriber with a subscription.
func subscribeConfirmed(t *testing.T, db *DB, email, freq string, docs, topics []string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := db.Subscribe(ctx, SubscribeRequest{Email: email, Lang: "en", Subscription: Subscription{Documents: docs, Topics: topics, Frequency: freq}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Confirm(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEnqueueMatchesSubscriptions builds change sets by hand, with the
// topics the classifier will set, and checks who gets a delivery row in the
// change's transaction.
func TestEnqueueMatchesSubscriptions(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	all := subscribeConfirmed(t, db, "all@example.org", Immediate, nil, nil)
	sharing := subscribeConfirmed(t, db, "sharing@example.org", Immediate, nil, []string{"data-sharing"})
	fbOnly := subscribeConfirmed(t, db, "fb@example.org", Immediate, []string{"fb"}, nil)
	daily := subscribeConfirmed(t, db, "daily@example.org", Daily, []string{"wa"}, []string{"retention", "data-sharing"})
	_, err := db.Subscribe(ctx, SubscribeRequest{Email: "pending@example.org", Lang: "es", Subscription: Subscription{Frequency: Immediate}})
	if err != nil {
		t.Fatal(err)
	}
	gone := subscribeConfirmed(t, db, "gone@example.org", Immediate, nil, nil)
	if err := db.Unsubscribe(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := db.SyncWebhooks(ctx, []Webhook{{URL: "https://hooks.example.org/a", Format: "json"}, {URL: "https://hooks.example.org/old", Format: "slack"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SyncWebhooks(ctx, []Webhook{{URL: "https://hooks.example.org/a", Format: "json"}}); err != nil {
		t.Fatal(err)
	}

	r1 := mustRecord(t, db, step{body: "<p>a</p>", texts: []string{"We share information with Facebook."}})
	r2 := mustRecord(t, db, step{at: time.Hour, body: "<p>b</p>", texts: []string{"We share information with Meta."}})
	tests := []struct {
		name     string
		doc      string
		cs       diff.ChangeSet
		alerts   bool
		wantSubs []int64
		wantHook bool
	}{
		{"data sharing on wa", "wa", diff.ChangeSet{Material: true, Alert: true, Topics: []string{"data-sharing"}}, true, []int64{all, sharing, daily}, true},
		{"retention on fb", "fb", diff.ChangeSet{Material: true, Alert: true, Topics: []string{"retention"}}, true, []int64{all, fbOnly}, true},
		{"wording only", "wa", diff.ChangeSet{Material: true, Topics: []string{}}, true, nil, false},
		{"cosmetic", "wa", diff.ChangeSet{Material: false, Topics: []string{"data-sharing"}}, true, nil, false},
		{"import", "wa", diff.ChangeSet{Material: true, Alert: true, Topics: []string{"data-sharing"}}, false, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var change *Change
			err := db.write(ctx, func(tx *sql.Tx) error {
				// Each case needs its own to_version (unique); reuse the two
				// recorded versions through a fresh copy of the second.
				var v int64
				err := tx.QueryRowContext(ctx, `INSERT INTO versions (document_id, snapshot_id, fetched_at, sha256, text_length, blocks, recorded_at)
SELECT ?, snapshot_id, ?, sha256 || ?, text_length, blocks, recorded_at FROM versions WHERE id = ? RETURNING id`,
					tc.doc, formatTime(t0.Add(48*time.Hour)), tc.name, r2.Version.ID).Scan(&v)
				if err != nil {
					return err
				}
				change, err = db.insertChange(ctx, tx, Fetch{DocumentID: tc.doc, StartedAt: t0}, r1.Version.ID, v, tc.cs, "test", Settled, tc.alerts)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := db.sql.QueryContext(ctx, `SELECT coalesce(subscriber_id, 0), coalesce(webhook_id, 0), kind, next_attempt_at FROM deliveries WHERE change_id = ? ORDER BY id`, change.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var subs []int64
			hook := false
			for rows.Next() {
				var s, h int64
				var kind, due string
				if err := rows.Scan(&s, &h, &kind, &due); err != nil {
					t.Fatal(err)
				}
				if h != 0 {
					hook = true
					continue
				}
				subs = append(subs, s)
				wantKind, wantDue := KindAlert, formatTime(clock()())
				if s == daily {
					wantKind, wantDue = KindDigest, formatTime(NextDigest(clock()()))
				}
				if kind != wantKind || due != wantDue {
					t.Errorf("subscriber %d: kind %s due %s, want %s due %s", s, kind, due, wantKind, wantDue)
				}
			}
			slices.Sort(subs)
			if !slices.Equal(subs, tc.wantSubs) || hook != tc.wantHook {
				t.Errorf("deliveries to subscribers %v (webhook %v), want %v (webhook %v)", subs, hook, tc.wantSubs, tc.wantHook)
			}
			// Enqueueing again (a retried transaction) adds nothing.
			if tc.alerts && tc.cs.Alert {
				before := count(t, db, "deliveries")
				if err := db.write(ctx, func(tx *sql.Tx) error {
					tj, _ := json.Marshal(tc.cs.Topics)
					return enqueueAlerts(ctx, tx, change.ID, tc.doc, string(tj), clock()())
				}); err != nil {
					t.Fatal(err)
				}
				if n := count(t, db, "deliveries"); n != before {
					t.Errorf("second enqueue added %d rows", n-before)
				}
			}
		})
	}
}

func mustRecord(t *testing.T, db *DB, s step) Result {
	t.Helper()
	res, err := record(context.Background(), db, s.observation())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestClaimIsExclusive(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	subscribeConfirmed(t, db, "a@example.org", Immediate, nil, nil)
	mustRecord(t, db, step{body: "<p>a</p>", texts: []string{"We share information with Facebook."}})
	mustRecord(t, db, step{at: time.Hour, body: "<p>b</p>", texts: []string{"We share information with Meta and advertisers."}})
	due, err := db.DueDeliveries(ctx, clock()(), DueDelivery{}, 10)
	if err != nil || len(due) != 2 { // the confirmation and the alert
		t.Fatalf("due = %+v, %v", due, err)
	}
	var alert int64
	for _, d := range due {
		if d.Kind == KindAlert {
			alert = d.ID
		}
	}
	other := openAt(t, db.Path())
	c1, err1 := db.ClaimDelivery(ctx, alert)
	c2, err2 := other.ClaimDelivery(ctx, alert)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if c1 == nil || c2 != nil {
		t.Fatalf("claims = %v, %v; want exactly the first", c1, c2)
	}
	if c1.Subscriber == nil || c1.Subscriber.Email != "a@example.org" || c1.Attempt != 1 || len(c1.ChangeIDs) != 1 {
		t.Errorf("claim = %+v", c1)
	}
	if err := db.MarkSent(ctx, c1); err != nil {
		t.Fatal(err)
	}
	// A stale claim (the row was recovered and requeued meanwhile) cannot
	// overwrite a later outcome.
	if err := db.MarkRetry(ctx, c1, clock()(), "late"); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Deliveries(ctx, DeliverySent, 0); len(ds) != 1 || ds[0].SentAt.IsZero() {
		t.Errorf("sent = %+v", ds)
	}
}

func TestSecretIsStable(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a, err := db.Secret(ctx)
	if err != nil || len(a) != 32 {
		t.Fatalf("Secret = %x, %v", a, err)
	}
	b, err := openAt(t, db.Path()).Secret(ctx)
	if err != nil || string(a) != string(b) {
		t.Errorf("a second handle got another secret")
	}
}

func TestNextDigest(t *testing.T) {
	tests := []struct{ at, want string }{
		{"2026-03-02T06:59:00Z", "2026-03-02T07:00:00Z"},
		{"2026-03-02T07:00:00Z", "2026-03-03T07:00:00Z"},
		{"2026-03-02T23:00:00Z", "2026-03-03T07:00:00Z"},
	}
	for _, tc := range tests {
		at, _ := time.Parse(time.RFC3339, tc.at)
		if got := NextDigest(at).Format(time.RFC3339); got != tc.want {
			t.Errorf("NextDigest(%s) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

// TestDispatcherQueriesUseTheDueIndex checks the query plans of the
// dispatcher's polling queries: each page must be read from deliveries_due
// in order, not by sorting every pending row (which made paging through a
// change's audience quadratic).
func TestDispatcherQueriesUseTheDueIndex(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		name string
		q    string
		args []any
	}{
		{"due page", dueDeliveriesQuery, []any{"2026-01-01", "2025-01-01", 1, 200}},
		{"next due", nextDueQuery, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.q, tc.args...)
			usesDue := slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, "INDEX deliveries_due") })
			sorts := slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, "TEMP B-TREE") })
			if !usesDue || sorts {
				t.Errorf("plan %q: want a search of deliveries_due without a temporary sort", plan)
			}
		})
	}
}

// queryPlan returns the detail lines of SQLite's EXPLAIN QUERY PLAN for q.
func queryPlan(t *testing.T, db *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.sql.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestSettlingQueuesAlertsWhenSettled records changes that start settling
// and checks that their deliveries are queued only in the transaction that
// settles them, once, and never for a change replaced before it settled.
func TestSettlingQueuesAlertsWhenSettled(t *testing.T) {
	const (
		fb   = "We share information with Facebook."
		meta = "We share your messages with Meta and advertisers."
	)
	tests := []struct {
		name string
		// flipBack records the old text again before the settling fetch.
		flipBack   bool
		wantState  ChangeState
		wantAlerts int
	}{
		{"settled by the next fetch", false, Settled, 1},
		{"replaced before it settled", true, Transient, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			ctx := context.Background()
			subscribeConfirmed(t, db, "a@example.org", Immediate, nil, nil)
			mustRecord(t, db, step{body: "<p>a</p>", texts: []string{fb}})
			obs := step{at: time.Hour, body: "<p>b</p>", texts: []string{meta}}.observation()
			obs.ChangeState = Settling
			res, err := record(ctx, db, obs)
			if err != nil || res.Change == nil {
				t.Fatalf("record: %+v, %v", res, err)
			}
			if res.Change.State != Settling || res.Change.Alert {
				t.Errorf("new change %s alert %v, want settling without alert", res.Change.State, res.Change.Alert)
			}
			alerts := func() int {
				var n int
				if err := db.sql.QueryRow(`SELECT count(*) FROM deliveries WHERE kind = 'alert'`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := alerts(); n != 0 {
				t.Fatalf("%d alerts queued for a settling change", n)
			}
			texts := []string{meta}
			if tt.flipBack {
				texts = []string{fb}
			}
			// Settle is asked of every later fetch; storage settles the
			// change only if its version is still the latest, and only once.
			for i := range 2 {
				again := step{at: time.Duration(2+i) * time.Hour, body: "<p>c</p>", texts: texts}.observation()
				again.Settle, again.ChangeState = res.Change.ID, Settling
				if _, err := record(ctx, db, again); err != nil {
					t.Fatal(err)
				}
			}
			c, err := db.Change(ctx, res.Change.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.State != tt.wantState || c.Alert != (tt.wantAlerts > 0) {
				t.Errorf("change is %s with alert %v, want %s", c.State, c.Alert, tt.wantState)
			}
			if n := alerts(); n != tt.wantAlerts {
				t.Errorf("%d alerts queued, want %d", n, tt.wantAlerts)
			}
		})
	}
}

// TestClaimDeliveriesTogether claims a batch mixing kinds in one call: the
// alert of a subscriber who still asks for the change is claimed with the
// subscriber loaded, those of a subscriber who left or narrowed their
// preferences are skipped with the reason claim gives, the claims come in
// the order of the rows, and a second call marks the first one's claims
// sent.
func TestClaimDeliveriesTogether(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	keep := subscribeConfirmed(t, db, "keep@example.org", Immediate, nil, nil)
	gone := subscribeConfirmed(t, db, "gone@example.org", Immediate, nil, nil)
	narrowed := subscribeConfirmed(t, db, "narrowed@example.org", Immediate, nil, nil)
	mustRecord(t, db, step{body: "<p>a</p>", texts: []string{"We share information with Facebook."}})
	mustRecord(t, db, step{at: time.Hour, body: "<p>b</p>", texts: []string{"We share information with Meta and advertisers."}})
	// Unsubscribe skips the queued rows itself; the claim must skip them
	// too when the status changed after they were listed.
	if _, err := db.sql.ExecContext(ctx, `UPDATE subscribers SET status = 'unsubscribed' WHERE id = ?`, gone); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdatePreferences(ctx, narrowed, "en", Subscription{Documents: []string{"fb"}, Frequency: Immediate}); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueDeliveries(ctx, clock()(), DueDelivery{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	alerts := 0
	for _, d := range due {
		if d.Kind == KindAlert {
			alerts++
		}
	}
	if alerts != 3 || len(due) <= alerts {
		t.Fatalf("due = %+v; want three alerts and the confirmations", due)
	}
	cs, err := db.ClaimDeliveries(ctx, nil, due)
	if err != nil {
		t.Fatal(err)
	}
	var alert *Claim
	last := -1
	for _, c := range cs {
		i := slices.IndexFunc(due, func(d DueDelivery) bool { return d.ID == c.IDs[0] })
		if i <= last {
			t.Errorf("claim of row %d out of the rows' order", c.IDs[0])
		}
		last = i
		if c.Kind == KindAlert {
			if alert != nil {
				t.Errorf("second alert claimed: %+v", c)
			}
			alert = c
		}
	}
	if alert == nil || alert.Subscriber.ID != keep || alert.Subscriber.Email != "keep@example.org" || alert.Attempt != 1 || len(alert.ChangeIDs) != 1 {
		t.Fatalf("alert claim = %+v; want keep's, first attempt, one change", alert)
	}
	skipped, err := db.Deliveries(ctx, DeliverySkipped, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[int64]string{}
	for _, d := range skipped {
		if d.Kind == KindAlert {
			reasons[d.SubscriberID] = d.LastError
		}
	}
	if reasons[gone] != "unsubscribed" || !strings.HasPrefix(reasons[narrowed], "no longer subscribed") || len(reasons) != 2 {
		t.Errorf("skipped alerts = %v; want gone's unsubscribed and narrowed's no longer subscribed", reasons)
	}
	if more, err := db.ClaimDeliveries(ctx, cs, nil); err != nil || len(more) != 0 {
		t.Fatalf("marking sent: %v, %v", more, err)
	}
	sent, err := db.Deliveries(ctx, DeliverySent, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != len(cs) {
		t.Errorf("%d deliveries sent, want the %d claimed", len(sent), len(cs))
	}
}
