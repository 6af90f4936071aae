package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"example.com/urlshort/store"
)

func TestShortenThenRedirect(t *testing.T) {
	h := New(store.New())
	req := httptest.NewRequest(http.MethodPost, "/shorten", strings.NewReader(url.Values{"url": {"https://example.com/x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	code := rec.Body.String()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/r/"+code, nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://example.com/x" {
		t.Fatalf("redirect: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestUnknownCodeIs404(t *testing.T) {
	rec := httptest.NewRecorder()
	New(store.New()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/r/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
}
