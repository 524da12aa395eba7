package data

import (
	"context"
	"fmt"
)

// FetchCount is how many fetch attempts of a document ended with an outcome.
type FetchCount struct {
	DocumentID string
	Outcome    Outcome
	N          int64
}

// FetchCounts counts the fetch attempts of every document by outcome, for
// the metrics endpoint: counting from the table rather than in memory
// includes the checks run by separate `clausewatch check` processes and
// survives restarts.
func (db *DB) FetchCounts(ctx context.Context) ([]FetchCount, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT document_id, outcome, count(*) FROM fetches GROUP BY document_id, outcome ORDER BY document_id, outcome`)
	if err != nil {
		return nil, fmt.Errorf("data: count fetches: %w", err)
	}
	defer rows.Close()
	var out []FetchCount
	for rows.Next() {
		var c FetchCount
		if err := rows.Scan(&c.DocumentID, &c.Outcome, &c.N); err != nil {
			return nil, fmt.Errorf("data: count fetches: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: count fetches: %w", err)
	}
	return out, nil
}
