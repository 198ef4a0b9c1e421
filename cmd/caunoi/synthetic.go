package main

import (
	"context"
	"fmt"
	"io"

	"caunoi/repository"
)

func seedSynthetic(ctx context.Context, store *repository.Store, n int, unit string, days int, stdout io.Writer) error {
	return fmt.Errorf("seed --synthetic: not available yet")
}
