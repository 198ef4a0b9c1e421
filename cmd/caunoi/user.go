package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"caunoi/auth"
	"caunoi/repository"
)

// MinPasswordLength is the shortest password `user add` accepts.
const MinPasswordLength = 10

func cmdUser(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: caunoi user add --email E --name N --role R [--unit U] [--department D] (password on stdin)")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address (the sign-in)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, leader, head or staff")
	unit := fs.String("unit", "", "unit code")
	dept := fs.String("department", "", "department code (head and staff)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("user add: read the password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if len([]rune(password)) < MinPasswordLength {
		return fmt.Errorf("user add: the password (read from stdin) must have at least %d characters", MinPasswordLength)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkSchema(ctx, db); err != nil {
		return err
	}
	store, err := newStore(db, cfg, platforms(cfg))
	if err != nil {
		return err
	}
	u, err := store.CreateUser(ctx, repository.UserInput{Email: *email, Name: *name, Role: *role, Unit: *unit,
		Department: *dept, PasswordHash: hash})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "user %d added: %s (%s)\n", u.ID, u.Email, u.Role)
	return nil
}
