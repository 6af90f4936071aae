// Package store keeps short codes and the URLs they stand for.
package store

import (
	"crypto/rand"
	"errors"
	"io"
	"net/url"
	"sync"
)

// ErrNotFound is returned for a code the store does not know.
var ErrNotFound = errors.New("store: code not found")

// ErrInvalidURL is returned for a URL that is not an absolute http or https URL.
var ErrInvalidURL = errors.New("store: invalid URL")

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// CodeLength is the length of generated codes.
const CodeLength = 6

// Store maps codes to URLs; safe for concurrent use.
type Store struct {
	mu     sync.Mutex
	urls   map[string]string
	Random io.Reader
}

// New returns an empty store drawing codes from crypto/rand.
func New() *Store {
	return &Store{urls: map[string]string{}, Random: rand.Reader}
}

// Add stores rawURL under a new code and returns the code.
func (s *Store) Add(rawURL string) (string, error) {
	if _, err := url.Parse(rawURL); err != nil {
		return "", ErrInvalidURL
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		buf := make([]byte, CodeLength)
		if _, err := io.ReadFull(s.Random, buf); err != nil {
			return "", err
		}
		code := make([]byte, CodeLength)
		for i, b := range buf {
			code[i] = alphabet[int(b)%len(alphabet)]
		}
		if _, taken := s.urls[string(code)]; !taken {
			s.urls[string(code)] = rawURL
			return string(code), nil
		}
	}
}

// Get returns the URL stored under code.
func (s *Store) Get(code string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.urls[code]
	if !ok {
		return "", ErrNotFound
	}
	return u, nil
}
