package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// errUsage: the flag package already printed what was wrong (exit 2).
var errUsage = errors.New("usage")

// errHelp: -h asked for the usage, which the flag package printed (exit 0).
var errHelp = errors.New("help")

// parseFlags parses args, letting KZMAP_<FLAG> environment variables supply
// every flag the command line leaves unset (the command line wins).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		env := "KZMAP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", env, v, e)
			}
		}
	})
	return err
}

// oneLine keeps a CLI error to one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// noArgs refuses positional arguments for the commands that take none:
// `kzmap serve other.db` would otherwise serve data/kzmap.db.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see kzmap %s -h)", fs.Arg(0), fs.Name())
	}
	return nil
}
