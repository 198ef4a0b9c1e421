// Package notify delivers Cầu Nối's messages to staff: e-mail through SMTP
// (net/smtp), and the texts of reminders, escalations and daily digests. It
// imports the standard library only; the outbox senders that call it are
// wired in cmd/caunoi.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// Mailer sends e-mail through one SMTP server. It is safe for concurrent
// use: every Send opens its own connection.
type Mailer struct {
	Addr     string // host:port
	From     string // the envelope and header sender, a bare address
	FromName string // the display name of From; "Cầu Nối" when empty
	Username string // AUTH PLAIN when set
	Password string
	// ImplicitTLS dials TLS at once (smtps://, port 465); otherwise STARTTLS
	// is used whenever the server offers it.
	ImplicitTLS bool
	// TLSConfig overrides the TLS settings (tests); nil verifies the host.
	TLSConfig *tls.Config
	// Timeout bounds one whole send; 30 s when 0.
	Timeout time.Duration
	// Now is the clock for the Date header; time.Now when nil.
	Now func() time.Time
}

// ParseSMTPURL returns a Mailer for CAUNOI_SMTP_URL, shaped
// smtp://user:pass@host:587?from=noreply@example.vn (smtps:// for implicit
// TLS; port 587, or 465 for smtps, when missing). It returns an error that
// names what is wrong, without the password, for any other shape.
func ParseSMTPURL(raw string) (*Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("notify: the SMTP URL cannot be parsed")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("notify: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("notify: the SMTP URL has no host")
	}
	m := &Mailer{ImplicitTLS: u.Scheme == "smtps"}
	port := u.Port()
	if port == "" {
		port = "587"
		if m.ImplicitTLS {
			port = "465"
		}
	}
	m.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	from := u.Query().Get("from")
	if from == "" {
		from = "noreply@" + u.Hostname()
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP URL from=%q is not an e-mail address", from)
	}
	m.From, m.FromName = a.Address, a.Name
	return m, nil
}

// Email is one message to one recipient, as the outbox stores it (kind
// "email"): plain text, UTF-8.
type Email struct {
	To      string `json:"to"`
	Name    string `json:"name,omitempty"` // the recipient's display name
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// SMTPError is a refusal by the SMTP server: Code is its reply code.
type SMTPError struct {
	Op   string // the command refused: MAIL, RCPT, DATA, ...
	Code int
	Msg  string
}

func (e *SMTPError) Error() string {
	return fmt.Sprintf("smtp: %s refused: %d %s", e.Op, e.Code, e.Msg)
}

// Permanent reports whether retrying cannot help (a 5xx reply).
func (e *SMTPError) Permanent() bool { return e.Code >= 500 && e.Code < 600 }

// IsPermanent reports whether err is an SMTP refusal that retrying cannot
// fix, or an e-mail that is malformed; any other error (a refused or lost
// connection, a 4xx reply) is worth retrying.
func IsPermanent(err error) bool {
	var se *SMTPError
	if errors.As(err, &se) {
		return se.Permanent()
	}
	return errors.Is(err, errBadEmail)
}

var errBadEmail = errors.New("notify: malformed e-mail")

// Send delivers e. It returns an *SMTPError when the server refuses it, an
// error wrapping errBadEmail (IsPermanent) for a bad recipient, and the
// network's error when the server cannot be reached or the connection ends.
func (m *Mailer) Send(ctx context.Context, e Email) error {
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return fmt.Errorf("%w: recipient %q", errBadEmail, e.To)
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("notify: SMTP address %q: %w", m.Addr, err)
	}
	tlsConfig := m.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	if m.ImplicitTLS {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", m.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	}
	if err != nil {
		return fmt.Errorf("notify: connect to %s: %w", m.Addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl) //nolint:errcheck // a failed deadline shows as a failed command
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) }) //nolint:errcheck
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return smtpErr("greeting", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return smtpErr("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !m.ImplicitTLS {
		if err := c.StartTLS(tlsConfig); err != nil {
			return smtpErr("STARTTLS", err)
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return smtpErr("AUTH", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return smtpErr("MAIL", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return smtpErr("RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr("DATA", err)
	}
	if _, err := w.Write(m.Build(e)); err != nil {
		return smtpErr("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpErr("DATA", err)
	}
	c.Quit() //nolint:errcheck // the message is accepted; a failed goodbye must not resend it
	return nil
}

// smtpErr turns a refusal into an *SMTPError; other errors are wrapped.
func smtpErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &SMTPError{Op: op, Code: te.Code, Msg: te.Msg}
	}
	return fmt.Errorf("notify: smtp %s: %w", op, err)
}
