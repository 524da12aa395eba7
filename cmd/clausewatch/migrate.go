package main

import (
	"context"
	"fmt"
	"log/slog"
)

// cmdMigrate applies the database migrations this clausewatch knows, as
// every command that writes does when it opens the database: the commands
// that only read open it read-only and ask for this when the schema is
// behind.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("migrate")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is up to date\n", e.dbPath)
	return nil
}
