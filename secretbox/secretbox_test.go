package secretbox

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const secret = "a-test-secret-key-that-is-32-bytes-long!"

func TestSealOpen(t *testing.T) {
	b, err := New(secret)
	if err != nil {
		t.Fatal(err)
	}
	aad := AAD("zalo", "3886132808788086451", "secret_key")
	sealed, err := b.Seal("test_zalo_oa_secret_key_XyZ123", aad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("XyZ123")) {
		t.Fatal("plaintext visible in the sealed value")
	}
	got, err := b.Open(sealed, aad)
	if err != nil || got != "test_zalo_oa_secret_key_XyZ123" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := b.Seal("test_zalo_oa_secret_key_XyZ123", aad)
	if bytes.Equal(again, sealed) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if s, err := b.Seal("", aad); s != nil || err != nil {
		t.Errorf("Seal(\"\") = %v, %v", s, err)
	}
	if s, err := b.Open(nil, aad); s != "" || err != nil {
		t.Errorf("Open(nil) = %q, %v", s, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	b, _ := New(secret)
	other, _ := New(secret + "x")
	aad := AAD("facebook", "1", "access_token")
	sealed, _ := b.Seal("EAAG-token", aad)
	flipped := append([]byte{}, sealed...)
	flipped[len(flipped)-1] ^= 1
	cases := map[string]func() (string, error){
		"other key":       func() (string, error) { return other.Open(sealed, aad) },
		"other place":     func() (string, error) { return b.Open(sealed, AAD("facebook", "2", "access_token")) },
		"other field":     func() (string, error) { return b.Open(sealed, AAD("facebook", "1", "secret_key")) },
		"altered":         func() (string, error) { return b.Open(flipped, aad) },
		"truncated":       func() (string, error) { return b.Open(sealed[:10], aad) },
		"unknown version": func() (string, error) { return b.Open(append([]byte{9}, sealed[1:]...), aad) },
	}
	for name, f := range cases {
		if got, err := f(); !errors.Is(err, ErrOpen) || got != "" {
			t.Errorf("%s: Open = %q, %v; want ErrOpen", name, got, err)
		}
	}
}

func TestNewRefusesWeakSecrets(t *testing.T) {
	if _, err := New(""); !errors.Is(err, ErrNoSecret) {
		t.Errorf("empty: %v", err)
	}
	_, err := New("short")
	if !errors.Is(err, ErrShortSecret) || strings.Contains(err.Error(), "short\"") {
		t.Errorf("short: %v", err)
	}
}
