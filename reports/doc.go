// Package reports renders a domain.Summary as the administrative report
// leaders read (a PDF laid out per Decree 30/2020/ND-CP) and streams ticket
// lines as CSV. It does no database access: data in, bytes out. Every
// string it prints is treated as untrusted: NFC-normalised, stripped of
// runes the embedded Liberation Serif fonts cannot draw, phone numbers
// masked; no citizen names are ever printed.
package reports
