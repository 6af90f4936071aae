package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func TestHiddenExpiredCodeIsGone(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s := store.New()
	s.Now = func() time.Time { return now }
	code, _ := s.AddWithTTL("https://example.com/old", time.Hour)
	now = now.Add(2 * time.Hour)
	rec := httptest.NewRecorder()
	server.New(s).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/r/"+code, nil))
	if rec.Code != http.StatusGone {
		t.Fatalf("status %d, want 410", rec.Code)
	}
}
