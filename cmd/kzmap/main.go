// Command kzmap serves Kazakhstan's regions, districts and the events of
// January 2022 as OGC API – Features, tiles, look-ups and search.
//
//	kzmap serve  [--addr 127.0.0.1:8080] [--db data/kzmap.db] [--data data]
//	kzmap import --collection ID [--title T] [--replace] FILE...
//	kzmap tiles  --collection ID --minzoom N --maxzoom M --out FILE.pmtiles|FILE.mbtiles
//	kzmap backup --db FILE | --url URL [--token T]  --out FILE
//	kzmap version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the collections over HTTP", runServe},
		{"import", "import GeoJSON or Shapefile files into a collection", runImport},
		{"tiles", "write a PMTiles or MBTiles archive of a collection", runTiles},
		{"backup", "copy a database consistently, even while it is being served", runBackup},
		{"version", "print the version", func(_ context.Context, _ []string, out, _ io.Writer) error {
			_, err := fmt.Fprintln(out, "kzmap", version)
			return err
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(ctx, args[1:], stdout, stderr); err != nil {
				switch err {
				case errHelp:
					return 0
				case errUsage:
					return 2
				}
				fmt.Fprintf(stderr, "kzmap %s: %v\n", c.name, oneLine(err))
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "kzmap: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kzmap COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nEvery flag also reads KZMAP_<FLAG> from the environment (e.g. KZMAP_ADDR).")
}
