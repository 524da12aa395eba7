package main

import (
	"context"
	"fmt"
)

// cmdMigrate applies the database migrations this clausewatch knows, as
// every command that writes does when it opens the database: the commands
// that only read open it read-only and ask for this when the schema is
// behind.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	db, err := e.openWithoutArgs(ctx, "migrate", args)
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is up to date\n", e.dbPath)
	return nil
}
