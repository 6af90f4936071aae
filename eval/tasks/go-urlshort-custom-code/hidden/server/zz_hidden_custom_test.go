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

func TestHiddenShortenWithACode(t *testing.T) {
	h := server.New(store.New())
	post := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/shorten", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post(url.Values{"url": {"https://example.com/d"}, "code": {"docs"}}); rec.Code != http.StatusCreated || rec.Body.String() != "docs" {
		t.Fatalf("first: %d %q", rec.Code, rec.Body)
	}
	if rec := post(url.Values{"url": {"https://example.com/e"}, "code": {"docs"}}); rec.Code != http.StatusConflict {
		t.Fatalf("taken: %d", rec.Code)
	}
	if rec := post(url.Values{"url": {"https://example.com/f"}, "code": {"a!"}}); rec.Code != http.StatusBadRequest {
		t.Fatalf("invalid code: %d", rec.Code)
	}
	if rec := post(url.Values{"url": {"https://example.com/g"}}); rec.Code != http.StatusCreated || len(rec.Body.String()) != store.CodeLength {
		t.Fatalf("generated: %d %q", rec.Code, rec.Body)
	}
}
