package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func TestHiddenShortenRefusesASchemelessURL(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/shorten", strings.NewReader(url.Values{"url": {"example.com"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	server.New(store.New()).ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
}
