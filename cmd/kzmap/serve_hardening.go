package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"kzmap/handlers"
)

// serveLimits are the serve flags that harden the HTTP server: per-client
// rate limit, CORS, body size, timeouts and log level.
type serveLimits struct {
	rate                                                  *float64
	burst                                                 *int
	cors                                                  *string
	maxBodyMB                                             *int
	logLevel                                              *string
	headerTimeout, readTimeout, writeTimeout, idleTimeout *time.Duration
	shutdownTimeout                                       *time.Duration

	origins []string   // parsed --cors
	level   slog.Level // parsed --log-level
}

func addServeLimits(fs *flag.FlagSet) *serveLimits {
	return &serveLimits{
		rate:          fs.Float64("rate", 0, "requests per second allowed per client address; more get 429 (0: no limit)"),
		burst:         fs.Int("burst", 0, "bursts allowed above --rate (0: twice the rate)"),
		cors:          fs.String("cors", "", "origins browsers may call the API from, comma-separated, or * for any (empty: no CORS)"),
		maxBodyMB:     fs.Int("max-body", 10, "largest request body in MB; larger bodies get 413"),
		logLevel:      fs.String("log-level", "info", "debug, info (one line per request), warn or error"),
		headerTimeout: fs.Duration("header-timeout", 10*time.Second, "time allowed to read a request's headers"),
		readTimeout:   fs.Duration("read-timeout", 30*time.Second, "time allowed to read a whole request"),
		writeTimeout:  fs.Duration("write-timeout", 60*time.Second, "time allowed to write an answer"),
		idleTimeout:   fs.Duration("idle-timeout", 120*time.Second, "how long an idle keep-alive connection stays open"),
		shutdownTimeout: fs.Duration("shutdown-timeout", 10*time.Second,
			"on SIGTERM or Ctrl-C, how long in-flight requests get to finish"),
	}
}

// check validates the flags after parsing.
func (l *serveLimits) check() error {
	if *l.rate < 0 || *l.rate != *l.rate || *l.rate > 1e9 {
		return fmt.Errorf("--rate %v: want 0 (off) or a positive number of requests per second", *l.rate)
	}
	if *l.burst < 0 {
		return fmt.Errorf("--burst %d: must be 0 or more", *l.burst)
	}
	if *l.maxBodyMB < 1 || *l.maxBodyMB > 1<<12 {
		return fmt.Errorf("--max-body %d: want 1..4096 (MB)", *l.maxBodyMB)
	}
	for name, d := range map[string]time.Duration{"header-timeout": *l.headerTimeout, "read-timeout": *l.readTimeout,
		"write-timeout": *l.writeTimeout, "idle-timeout": *l.idleTimeout, "shutdown-timeout": *l.shutdownTimeout} {
		if d <= 0 {
			return fmt.Errorf("--%s %v: must be positive", name, d)
		}
	}
	origins, err := handlers.ParseOrigins(*l.cors)
	if err != nil {
		return fmt.Errorf("--cors: %w", err)
	}
	l.origins = origins
	if err := l.level.UnmarshalText([]byte(strings.TrimSpace(*l.logLevel))); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", *l.logLevel)
	}
	return nil
}

// maxBody is --max-body in bytes.
func (l *serveLimits) maxBody() int64 { return int64(*l.maxBodyMB) << 20 }

// server sets the timeouts on an http.Server.
func (l *serveLimits) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: *l.headerTimeout,
		ReadTimeout:       *l.readTimeout,
		WriteTimeout:      *l.writeTimeout,
		IdleTimeout:       *l.idleTimeout,
		MaxHeaderBytes:    1 << 20,
	}
}
