package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

func TestDeliveriesCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "http://127.0.0.1:1", "doc")
	dbPath := filepath.Join(dir, "cw.db")
	// A confirmation email the SMTP server refused for good.
	db := openDB(t, dbPath)
	if _, err := db.Subscribe(ctx, data.SubscribeRequest{Email: "reporter@example.org", Lang: "es", Subscription: data.Subscription{Frequency: "immediate"}}); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueDeliveries(ctx, time.Now().Add(time.Hour), data.DueDelivery{}, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due deliveries = %v, %v; want the confirmation", due, err)
	}
	claim, err := db.ClaimDelivery(ctx, due[0].ID)
	if err != nil || claim == nil {
		t.Fatalf("claim: %v, %v", claim, err)
	}
	if err := db.MarkFailed(ctx, claim, "550 5.1.1 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(due[0].ID, 10)

	code, stdout, stderr := cli(t, ctx, nil, "deliveries", "--config", cfg, "--db", dbPath)
	if code != exitOK || !strings.Contains(stdout, "failed 1") || !strings.Contains(stdout, "550 5.1.1 mailbox unavailable") {
		t.Fatalf("deliveries: exit %d, %q %q; want the failure and its reason", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, ctx, nil, "deliveries", "--status", "all", "--format", "json", "--config", cfg, "--db", dbPath)
	var list []deliveryJSON
	if err := json.Unmarshal([]byte(stdout), &list); code != exitOK || err != nil || len(list) != 1 || list[0].Status != "failed" || list[0].Kind != "confirm" {
		t.Fatalf("deliveries --format json: exit %d, %v, %q", code, err, stdout)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ids without --requeue", []string{id}, exitUsage, "--requeue"},
		{"--requeue without ids", []string{"--requeue"}, exitUsage, "--requeue"},
		{"bad id", []string{"--requeue", "x"}, exitUsage, `delivery id "x"`},
		{"bad status", []string{"--status", "lost"}, exitUsage, `--status "lost"`},
		{"requeue", []string{"--requeue", id}, exitOK, "requeued 1 of 1"},
		{"requeue again: no longer failed", []string{"--requeue", id}, exitFailed, "requeued 0 of 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"deliveries", "--config", cfg, "--db", dbPath}, tt.args...)
			code, stdout, stderr := cli(t, ctx, nil, args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, %q %q; want exit %d mentioning %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}
	pending, err := db.Deliveries(ctx, "pending", 0)
	if err != nil || len(pending) != 1 || pending[0].Attempts != 0 {
		t.Errorf("after requeue: %+v, %v; want 1 pending with a fresh count of attempts", pending, err)
	}
}

// TestDeliveriesAfterCrash shows the operator, by default, the deliveries
// a crash leaves behind: unknown ones (maybe delivered) and sending ones,
// with what to do; they are sent again only when the operator asks.
func TestDeliveriesAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "http://127.0.0.1:1", "doc")
	dbPath := filepath.Join(dir, "cw.db")
	db := openDB(t, dbPath)
	claimOne := func(email string) *data.Claim {
		t.Helper()
		if _, err := db.Subscribe(ctx, data.SubscribeRequest{Email: email, Lang: "en", Subscription: data.Subscription{Frequency: "immediate"}}); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueDeliveries(ctx, time.Now().Add(time.Hour), data.DueDelivery{}, 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("due deliveries = %v, %v; want one confirmation", due, err)
		}
		c, err := db.ClaimDelivery(ctx, due[0].ID)
		if err != nil || c == nil {
			t.Fatalf("claim: %v, %v", c, err)
		}
		return c
	}
	unknown := claimOne("a@example.org")
	if err := db.MarkUnknown(ctx, unknown, "connection reset after DATA"); err != nil {
		t.Fatal(err)
	}
	claimOne("b@example.org") // left sending, as by a process killed while sending
	unknownID := strconv.FormatInt(unknown.IDs[0], 10)

	code, stdout, stderr := cli(t, ctx, nil, "deliveries", "--config", cfg, "--db", dbPath)
	if code != exitOK {
		t.Fatalf("deliveries: exit %d, %q", code, stderr)
	}
	for _, want := range []string{"unknown 1", "sending 1", "may or may not have been delivered", "--requeue ID", "connection reset after DATA",
		"marks those unknown when it starts again"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("deliveries output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = cli(t, ctx, nil, "deliveries", "--format", "json", "--config", cfg, "--db", dbPath)
	var list []deliveryJSON
	if err := json.Unmarshal([]byte(stdout), &list); code != exitOK || err != nil || len(list) != 2 || list[0].Status != "sending" || list[1].Status != "unknown" {
		t.Fatalf("deliveries --format json: exit %d, %v, %q; want the sending and the unknown delivery, newest first", code, err, stdout)
	}
	// Nothing was put back in the queue by looking.
	if pending, err := db.Deliveries(ctx, data.DeliveryPending, 0); err != nil || len(pending) != 0 {
		t.Fatalf("pending = %v, %v; want none before --requeue", pending, err)
	}
	code, stdout, _ = cli(t, ctx, nil, "deliveries", "--requeue", unknownID, "--config", cfg, "--db", dbPath)
	if code != exitOK || !strings.Contains(stdout, "requeued 1 of 1") {
		t.Fatalf("requeue: exit %d, %q", code, stdout)
	}
	if pending, err := db.Deliveries(ctx, data.DeliveryPending, 0); err != nil || len(pending) != 1 || pending[0].ID != unknown.IDs[0] {
		t.Errorf("pending = %v, %v; want the requeued delivery", pending, err)
	}
}

// TestDeliveriesSaysWhatItLeavesOut leaves three deliveries in doubt, as
// a crash does, and lists two: the listing says how many it did not show.
func TestDeliveriesSaysWhatItLeavesOut(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir, "http://127.0.0.1:1", "doc")
	dbPath := filepath.Join(dir, "cw.db")
	db := openDB(t, dbPath)
	for _, addr := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if _, err := db.Subscribe(ctx, data.SubscribeRequest{Email: addr, Lang: "en", Subscription: data.Subscription{Frequency: "immediate"}}); err != nil {
			t.Fatal(err)
		}
	}
	due, err := db.DueDeliveries(ctx, time.Now().Add(time.Hour), data.DueDelivery{}, 10)
	if err != nil || len(due) != 3 {
		t.Fatalf("due deliveries = %v, %v; want the three confirmations", due, err)
	}
	for _, d := range due {
		c, err := db.ClaimDelivery(ctx, d.ID)
		if err != nil || c == nil {
			t.Fatalf("claim: %v, %v", c, err)
		}
		if err := db.MarkUnknown(ctx, c, "connection lost after DATA"); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		args  []string
		want  string
		lines int
	}{
		{"a limit below them", []string{"--limit", "2"}, "showing the newest 2 of 3; use --limit 3 to list them all", 2},
		{"the default limit", nil, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"deliveries", "--config", cfg, "--db", dbPath}, tt.args...)
			code, stdout, stderr := cli(t, ctx, nil, args...)
			if code != exitOK || strings.Count(stdout, "connection lost after DATA") != tt.lines {
				t.Fatalf("exit %d, %q %q; want %d rows listed", code, stdout, stderr, tt.lines)
			}
			if tt.want != "" && !strings.Contains(stdout, tt.want) || tt.want == "" && strings.Contains(stdout, "showing the newest") {
				t.Errorf("stdout %q: want %q", stdout, tt.want)
			}
		})
	}
}
