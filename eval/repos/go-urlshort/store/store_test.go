package store

import (
	"bytes"
	"errors"
	"testing"
)

func TestAddAndGet(t *testing.T) {
	s := New()
	code, err := s.Add("https://example.com/a")
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != CodeLength {
		t.Fatalf("code %q has length %d", code, len(code))
	}
	got, err := s.Get(code)
	if err != nil || got != "https://example.com/a" {
		t.Fatalf("Get(%q) = %q, %v", code, got, err)
	}
}

func TestCodesComeFromTheReader(t *testing.T) {
	s := New()
	s.Random = bytes.NewReader([]byte{0, 1, 2, 3, 4, 5})
	code, err := s.Add("http://example.com")
	if err != nil || code != "abcdef" {
		t.Fatalf("Add = %q, %v", code, err)
	}
}

func TestUnknownCode(t *testing.T) {
	if _, err := New().Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}
