package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Build returns e as an RFC 5322 message from m.From: UTF-8 plain text,
// quoted-printable, with the subject and names encoded for any mail reader.
func (m *Mailer) Build(e Email) []byte {
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	fromName := m.FromName
	if fromName == "" {
		fromName = "Cầu Nối"
	}
	from := (&mail.Address{Name: fromName, Address: m.From}).String()
	to := (&mail.Address{Name: e.Name, Address: strings.TrimSpace(e.To)}).String()
	var id [12]byte
	rand.Read(id[:])
	domainPart := "caunoi.local"
	if _, d, ok := strings.Cut(m.From, "@"); ok && d != "" {
		domainPart = d
	}
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	header("From", from)
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(e.Subject)))
	header("Date", now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domainPart+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(crlf(e.Text))) //nolint:errcheck // a bytes.Buffer does not fail
	qp.Close()                     //nolint:errcheck
	b.WriteString("\r\n")
	return b.Bytes()
}

// oneLine removes line breaks, so a header can carry no injected header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// crlf normalises line ends to CRLF.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}
