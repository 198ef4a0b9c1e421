package main

import (
	"context"
	"fmt"
	"io"
)

func cmdReport(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	return fmt.Errorf("report: not available yet")
}
