// Package store keeps short codes and the URLs they stand for.
package store

import (
	"crypto/rand"
	"errors"
	"io"
	"net/url"
	"sync"
	"time"
)

// ErrNotFound is returned for a code the store does not know.
var ErrNotFound = errors.New("store: code not found")

// ErrExpired is returned for a code whose time to live has run out.
var ErrExpired = errors.New("store: code expired")

// ErrInvalidTTL is returned for a time to live that is not positive.
var ErrInvalidTTL = errors.New("store: ttl must be positive")

// ErrInvalidURL is returned for a URL that is not an absolute http or https URL.
var ErrInvalidURL = errors.New("store: invalid URL")

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// CodeLength is the length of generated codes.
const CodeLength = 6

type entry struct {
	url     string
	expires time.Time // zero: never
}

// Store maps codes to URLs; safe for concurrent use.
type Store struct {
	mu     sync.Mutex
	urls   map[string]entry
	Random io.Reader
	Now    func() time.Time
}

// New returns an empty store drawing codes from crypto/rand.
func New() *Store {
	return &Store{urls: map[string]entry{}, Random: rand.Reader, Now: time.Now}
}

// Add stores rawURL under a new code and returns the code.
func (s *Store) Add(rawURL string) (string, error) {
	return s.add(rawURL, time.Time{})
}

// AddWithTTL stores rawURL under a new code that expires after ttl.
func (s *Store) AddWithTTL(rawURL string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", ErrInvalidTTL
	}
	return s.add(rawURL, s.Now().Add(ttl))
}

func (s *Store) add(rawURL string, expires time.Time) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
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
			s.urls[string(code)] = entry{url: rawURL, expires: expires}
			return string(code), nil
		}
	}
}

// Get returns the URL stored under code.
func (s *Store) Get(code string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.urls[code]
	if !ok {
		return "", ErrNotFound
	}
	if !e.expires.IsZero() && !s.Now().Before(e.expires) {
		return "", ErrExpired
	}
	return e.url, nil
}
