package main

import (
	"context"
	"errors"
	"io"
)

func runTiles(_ context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not built yet")
}
