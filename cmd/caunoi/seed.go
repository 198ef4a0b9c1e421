package main

import (
	"context"
	"fmt"
	"io"
)

func cmdSeed(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	return fmt.Errorf("seed: not yet available")
}
