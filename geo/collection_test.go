package geo

import (
	"strings"
	"testing"
)

func TestValidCollectionID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"districts", true},
		{"regions-2024", true},
		{"my_layer.v2", true},
		{strings.Repeat("a", 100), true},
		{"", false},
		{strings.Repeat("a", 101), false},
		{"a,b", false}, // a comma joins ids in tile paths
		{"a/b", false},
		{"a b", false},
		{"a:b", false}, // store keys use ':'
		{"a*", false},  // and key patterns '*'
		{"Алматы", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := ValidCollectionID(tt.id); got != tt.want {
				t.Errorf("ValidCollectionID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}
