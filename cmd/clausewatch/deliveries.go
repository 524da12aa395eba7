package main

import (
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

// deliveryStatuses returns the states of an outbox row, in the order a row
// passes through them.
func deliveryStatuses() []string {
	return []string{data.DeliveryPending, data.DeliverySending, data.DeliverySent, data.DeliveryFailed, data.DeliveryUnknown, data.DeliverySkipped}
}

// cmdDeliveries shows the operator the alert outbox: how many deliveries are
// in each state and which failed (with the server's last answer), and puts
// failed or unknown ones back in the queue once the cause is fixed.
func cmdDeliveries(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("deliveries")
	format := fs.String("format", "text", "output `format`: text or json")
	status := fs.String("status", data.DeliveryFailed, "list deliveries in this `state` (pending, sending, sent, failed, unknown, skipped, or all)")
	limit := fs.Int("limit", 50, "list at most `N` deliveries, newest first")
	requeue := fs.Bool("requeue", false, "put the failed or unknown deliveries given as arguments (ids) back in the queue")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *status != "all" && !slices.Contains(deliveryStatuses(), *status) {
		return usagef("--status %q: want all or one of %v", *status, deliveryStatuses())
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
	db, err := e.open(ctx)
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
	filter := *status
	if filter == "all" {
		filter = ""
	}
	list, err := db.Deliveries(ctx, filter, *limit)
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
	for _, s := range deliveryStatuses() {
		fmt.Fprintf(e.stdout, "%s %d  ", s, counts[s])
	}
	fmt.Fprintln(e.stdout)
	if len(out) == 0 {
		fmt.Fprintf(e.stdout, "no %s deliveries\n", *status)
		return nil
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
	return tw.Flush()
}
