package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func TestHiddenStatsEndpoint(t *testing.T) {
	s := store.New()
	code, _ := s.Add("https://example.com/p")
	h := server.New(s)
	for i := 0; i < 2; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/r/"+code, nil))
		if rec.Code != http.StatusFound {
			t.Fatalf("redirect status %d", rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stats/"+code, nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("stats: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got map[string]interface{}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["code"] != code || got["url"] != "https://example.com/p" || got["hits"] != float64(2) {
		t.Fatalf("stats body %v", got)
	}
}

func TestHiddenStatsOfUnknownCodeIs404(t *testing.T) {
	rec := httptest.NewRecorder()
	server.New(store.New()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stats/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
}
