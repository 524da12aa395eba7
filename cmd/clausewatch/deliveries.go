package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

// deliveryJSON is the stable shape of `deliveries --format json`.
type deliveryJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Change     int64  `json:"change"`
	Subscriber int64  `json:"subscriber"`
	Webhook    int64  `json:"webhook"`
	Status     string `json:"status"`
	Attempts   int    `json:"attempts"`
	LastError  string `json:"last_error"`
	CreatedAt  string `json:"created_at"`
	SentAt     string `json:"sent_at"`
}

// attention is the default of --status: the deliveries an operator must
// look at, because they failed, or may or may not have reached their
// recipient (unknown), or are being sent or were left so by a process that
// stopped (sending; serve marks these unknown when it starts again).
const attention = "attention"

// attentionStatuses are the states --status attention lists.
func attentionStatuses() []string {
	return []string{data.DeliveryFailed, data.DeliveryUnknown, data.DeliverySending}
}

// cmdDeliveries shows the operator the alert outbox: how many deliveries are
// in each state, which need a look (failed with the server's last answer,
// unknown, sending) and what to do about each, and puts failed or unknown
// ones back in the queue when the operator asks: nothing is sent twice
// unless the operator says so.
func cmdDeliveries(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("deliveries")
	format := fs.String("format", "text", "output `format`: text or json")
	status := fs.String("status", attention, "list deliveries in this `state` (pending, sending, sent, failed, unknown, skipped, all, or attention: failed, unknown and sending)")
	limit := fs.Int("limit", 50, "list at most `N` deliveries, newest first")
	requeue := fs.Bool("requeue", false, "put the failed or unknown deliveries given as arguments (ids) back in the queue")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *status != "all" && *status != attention && !slices.Contains(data.DeliveryStatuses(), *status) {
		return usagef("--status %q: want all, attention or one of %v", *status, data.DeliveryStatuses())
	}
	var ids []int64
	for _, p := range pos {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return usagef("delivery id %q: want a positive number, as listed by `clausewatch deliveries`", p)
		}
		ids = append(ids, id)
	}
	if *requeue != (len(ids) > 0) {
		return usagef("--requeue takes the ids of the deliveries to send again, and ids are only taken with --requeue")
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	// Listing only reads; requeueing writes.
	open := e.openReadOnly
	if *requeue {
		open = func(ctx context.Context) (*data.DB, error) { return e.open(ctx) }
	}
	db, err := open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *requeue {
		n, err := db.RequeueDeliveries(ctx, ids)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "requeued %d of %d deliveries; a running `clausewatch serve` sends them on its next poll\n", n, len(ids))
		if n < len(ids) {
			return exitError{exitFailed}
		}
		return nil
	}
	list, err := listDeliveries(ctx, db, *status, *limit)
	if err != nil {
		return err
	}
	out := make([]deliveryJSON, 0, len(list))
	for _, d := range list {
		j := deliveryJSON{ID: d.ID, Kind: d.Kind, Change: d.ChangeID, Subscriber: d.SubscriberID, Webhook: d.WebhookID,
			Status: d.Status, Attempts: d.Attempts, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339)}
		if !d.SentAt.IsZero() {
			j.SentAt = d.SentAt.UTC().Format(time.RFC3339)
		}
		out = append(out, j)
	}
	if *format == "json" {
		return writeJSON(e, out)
	}
	counts, err := db.DeliveryCounts(ctx)
	if err != nil {
		return err
	}
	for _, s := range data.DeliveryStatuses() {
		fmt.Fprintf(e.stdout, "%s %d  ", s, counts[s])
	}
	fmt.Fprintln(e.stdout)
	if len(out) == 0 {
		if *status == attention {
			fmt.Fprintln(e.stdout, "no deliveries need attention (none failed, unknown or sending)")
		} else {
			fmt.Fprintf(e.stdout, "no %s deliveries\n", *status)
		}
		return nil
	}
	for _, s := range attentionStatuses() {
		if n := counts[s]; n > 0 && (*status == s || *status == attention || *status == "all") {
			fmt.Fprintf(e.stdout, "%s: %s\n", s, deliveryAdvice(s, n))
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tCHANGE\tTO\tSTATUS\tATTEMPTS\tLAST ERROR")
	for _, d := range out {
		to := "subscriber " + strconv.FormatInt(d.Subscriber, 10)
		if d.Webhook != 0 {
			to = "webhook " + strconv.FormatInt(d.Webhook, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%d\t%s\n", d.ID, d.Kind, d.Change, to, d.Status, d.Attempts, d.LastError)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// After a crash the rows needing a look may outnumber the listing:
	// say so, rather than let the newest ones pass for all of them.
	if total := selected(counts, *status); len(out) < total {
		fmt.Fprintf(e.stdout, "showing the newest %d of %d; use --limit %d to list them all\n", len(out), total, total)
	}
	return nil
}

// selected counts the deliveries a --status selects.
func selected(counts map[string]int, status string) int {
	n := 0
	for s, c := range counts {
		if status == "all" || status == s || status == attention && slices.Contains(attentionStatuses(), s) {
			n += c
		}
	}
	return n
}

// listDeliveries returns the deliveries in status (all, attention, or
// one state), newest first, at most limit of them.
func listDeliveries(ctx context.Context, db *data.DB, status string, limit int) ([]data.Delivery, error) {
	switch status {
	case "all":
		return db.Deliveries(ctx, "", limit)
	case attention:
	default:
		return db.Deliveries(ctx, status, limit)
	}
	var list []data.Delivery
	for _, s := range attentionStatuses() {
		l, err := db.Deliveries(ctx, s, limit)
		if err != nil {
			return nil, err
		}
		list = append(list, l...)
	}
	slices.SortFunc(list, func(a, b data.Delivery) int { return cmp.Compare(b.ID, a.ID) })
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	return list, nil
}

// deliveryAdvice tells the operator what n deliveries in status s mean
// and what to do about them.
func deliveryAdvice(s string, n int) string {
	switch s {
	case data.DeliveryFailed:
		return fmt.Sprintf("%d refused for good by the server (LAST ERROR says why); fix the cause, then send them again with `clausewatch deliveries --requeue ID...`", n)
	case data.DeliveryUnknown:
		return fmt.Sprintf("%d may or may not have been delivered (the process stopped or the connection broke while sending), so they are not resent by themselves; "+
			"check the mail server's or the webhook receiver's log, and to send them again, knowing a recipient may get the alert twice, run `clausewatch deliveries --requeue ID...`", n)
	case data.DeliverySending:
		return fmt.Sprintf("%d being sent by a running `clausewatch serve`, or left so by one that stopped; `serve` marks those unknown when it starts again, then they can be requeued", n)
	}
	return ""
}
