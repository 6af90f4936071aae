package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func TestHiddenDeleteEndpoint(t *testing.T) {
	s := store.New()
	code, _ := s.Add("https://example.com/x")
	h := server.New(s)
	do := func(method string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/r/"+code, nil))
		return rec.Code
	}
	if got := do(http.MethodPut); got != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %d", got)
	}
	if got := do(http.MethodDelete); got != http.StatusNoContent {
		t.Fatalf("DELETE: %d", got)
	}
	if got := do(http.MethodGet); got != http.StatusNotFound {
		t.Fatalf("GET after DELETE: %d", got)
	}
	if got := do(http.MethodDelete); got != http.StatusNotFound {
		t.Fatalf("second DELETE: %d", got)
	}
}
