package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestExitCodes: help is 0, a flag the command does not know is 2, any
// other error is 1 with one line naming the command.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		says string // in stderr
	}{
		{name: "kzmap -h", args: []string{"-h"}, code: 0, says: "usage: kzmap"},
		{name: "no command", args: nil, code: 2, says: "usage: kzmap"},
		{name: "unknown command", args: []string{"nope"}, code: 2, says: `unknown command "nope"`},
		{name: "serve -h", args: []string{"serve", "-h"}, code: 0, says: "-addr"},
		{name: "serve with an unknown flag", args: []string{"serve", "--nope"}, code: 2, says: "-nope"},
		{name: "serve with an argument", args: []string{"serve", "other.db"}, code: 1, says: `kzmap serve: unexpected argument "other.db"`},
		{name: "backup with an argument", args: []string{"backup", "--out", "x.db", "--db", "y.db", "z"}, code: 1, says: `kzmap backup: unexpected argument "z"`},
		{name: "import without a collection", args: []string{"import", "f.geojson"}, code: 1, says: "kzmap import: --collection is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.says)
			}
		})
	}
}
