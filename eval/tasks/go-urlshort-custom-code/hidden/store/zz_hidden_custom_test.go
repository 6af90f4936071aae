package store_test

import (
	"errors"
	"strings"
	"testing"

	"example.com/urlshort/store"
)

func TestHiddenAddWithCode(t *testing.T) {
	s := store.New()
	if err := s.AddWithCode("docs", "https://example.com/docs"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Get("docs"); err != nil || u != "https://example.com/docs" {
		t.Fatalf("Get = %q, %v", u, err)
	}
	if err := s.AddWithCode("docs", "https://example.com/other"); !errors.Is(err, store.ErrCodeTaken) {
		t.Fatalf("taken: %v", err)
	}
	if u, _ := s.Get("docs"); u != "https://example.com/docs" {
		t.Fatalf("the first URL was replaced by %q", u)
	}
}

func TestHiddenCodeRules(t *testing.T) {
	s := store.New()
	for _, bad := range []string{"ab", strings.Repeat("x", 33), "a b", "a!b", "héllo", ""} {
		if err := s.AddWithCode(bad, "https://example.com"); !errors.Is(err, store.ErrInvalidCode) {
			t.Errorf("AddWithCode(%q) = %v, want ErrInvalidCode", bad, err)
		}
	}
	for _, good := range []string{"abc", "A_b-9", strings.Repeat("z", 32)} {
		if err := s.AddWithCode(good, "https://example.com"); err != nil {
			t.Errorf("AddWithCode(%q) = %v", good, err)
		}
	}
	if err := s.AddWithCode("valid", "example.com"); !errors.Is(err, store.ErrInvalidURL) {
		t.Errorf("invalid URL: %v", err)
	}
}
