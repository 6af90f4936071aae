package store_test

import (
	"errors"
	"testing"

	"example.com/urlshort/store"
)

func TestHiddenDelete(t *testing.T) {
	s := store.New()
	code, _ := s.Add("https://example.com/gone")
	keep, _ := s.Add("https://example.com/kept")
	if err := s.Delete(code); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(code); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if _, err := s.Get(keep); err != nil {
		t.Fatalf("the other code went too: %v", err)
	}
	if err := s.Delete(code); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
}
