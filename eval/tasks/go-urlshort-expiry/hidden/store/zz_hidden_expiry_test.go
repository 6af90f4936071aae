package store_test

import (
	"errors"
	"testing"
	"time"

	"example.com/urlshort/store"
)

func TestHiddenEntriesExpireAtTheirTTL(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s := store.New()
	s.Now = func() time.Time { return now }
	code, err := s.AddWithTTL("https://example.com/soon", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	forever, _ := s.Add("https://example.com/forever")
	now = now.Add(59 * time.Second)
	if u, err := s.Get(code); err != nil || u != "https://example.com/soon" {
		t.Fatalf("before expiry: %q, %v", u, err)
	}
	now = now.Add(time.Second)
	if _, err := s.Get(code); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("at expiry: %v", err)
	}
	now = now.Add(24 * 365 * time.Hour)
	if _, err := s.Get(forever); err != nil {
		t.Fatalf("Add's entries never expire: %v", err)
	}
}

func TestHiddenTTLMustBePositive(t *testing.T) {
	for _, ttl := range []time.Duration{0, -time.Second} {
		if _, err := store.New().AddWithTTL("https://example.com", ttl); !errors.Is(err, store.ErrInvalidTTL) {
			t.Errorf("ttl %v: %v", ttl, err)
		}
	}
}
