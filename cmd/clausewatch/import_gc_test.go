package main

import (
	"runtime/debug"
	"testing"
)

// TestImportGC checks that an import raises the collector's target only
// from the default, and that the target is restored afterwards.
func TestImportGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tests := []struct {
		name         string
		before, want int // want: the target during the import
	}{
		{"default", 100, importGCPercent},
		{"operator's choice", 150, 150},
		{"collection off", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(tt.before)
			restore := importGC()
			during := debug.SetGCPercent(tt.want) // read (and keep) it
			restore()
			after := debug.SetGCPercent(tt.before)
			if during != tt.want || after != tt.before {
				t.Errorf("target %d during the import, %d after; want %d, %d", during, after, tt.want, tt.before)
			}
		})
	}
}
