package handlers

import "testing"

func TestSecurityHeaders(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{})
	for _, tc := range []struct {
		name, target string
		html         bool
	}{
		{"landing html", "/?f=html", true},
		{"items html", "/collections/regions/items?f=html", true},
		{"json", "/collections", false},
		{"problem", "/collections/nope", false},
		{"health", "/healthz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := get(e, tc.target).Header()
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", h.Get("X-Content-Type-Options"))
			}
			csp := h.Get("Content-Security-Policy")
			if !tc.html {
				if csp != "" {
					t.Errorf("CSP on a non-HTML answer")
				}
				return
			}
			if csp != ContentSecurityPolicy || h.Get("X-Frame-Options") != "SAMEORIGIN" ||
				h.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
				t.Errorf("HTML headers: %v", h)
			}
		})
	}
}
