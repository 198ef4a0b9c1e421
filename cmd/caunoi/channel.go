package main

import (
	"context"
	"fmt"
	"io"
)

func cmdChannel(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	return fmt.Errorf("channel: not available yet")
}
