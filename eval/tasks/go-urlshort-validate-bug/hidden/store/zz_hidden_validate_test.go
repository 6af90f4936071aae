package store_test

import (
	"errors"
	"testing"

	"example.com/urlshort/store"
)

func TestHiddenRejectsURLsThatCannotBeRedirectedTo(t *testing.T) {
	s := store.New()
	for _, bad := range []string{"example.com", "ftp://example.com/file", "https://", "", "mailto:ada@example.com"} {
		if code, err := s.Add(bad); !errors.Is(err, store.ErrInvalidURL) {
			t.Errorf("Add(%q) = %q, %v; want ErrInvalidURL", bad, code, err)
		}
	}
}

func TestHiddenAcceptsHTTPAndHTTPS(t *testing.T) {
	s := store.New()
	for _, good := range []string{"https://example.com/a?b=c", "http://localhost:8080/x"} {
		if _, err := s.Add(good); err != nil {
			t.Errorf("Add(%q): %v", good, err)
		}
	}
}
