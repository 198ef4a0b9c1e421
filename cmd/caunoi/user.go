package main

import (
	"context"
	"fmt"
	"io"
)

func cmdUser(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout io.Writer) error {
	return fmt.Errorf("user: not yet available")
}
