// Package server is the HTTP face of the URL shortener.
package server

import (
	"errors"
	"net/http"
	"strings"

	"example.com/urlshort/store"
)

// New returns the handler: POST /shorten and GET /r/{code}.
func New(s *store.Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/shorten", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		code := r.FormValue("code")
		var err error
		if code != "" {
			err = s.AddWithCode(code, r.FormValue("url"))
		} else {
			code, err = s.Add(r.FormValue("url"))
		}
		if errors.Is(err, store.ErrInvalidURL) || errors.Is(err, store.ErrInvalidCode) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if errors.Is(err, store.ErrCodeTaken) {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(code))
	})
	mux.HandleFunc("/r/", func(w http.ResponseWriter, r *http.Request) {
		code := strings.TrimPrefix(r.URL.Path, "/r/")
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		target, err := s.Get(code)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
	return mux
}
