// Package store keeps short codes and the URLs they stand for.
package store

import (
	"crypto/rand"
	"errors"
	"io"
	"net/url"
	"regexp"
	"sync"
)

// ErrNotFound is returned for a code the store does not know.
var ErrNotFound = errors.New("store: code not found")

// ErrInvalidURL is returned for a URL that is not an absolute http or https URL.
var ErrInvalidURL = errors.New("store: invalid URL")

// ErrInvalidCode is returned for a chosen code that breaks the code rules.
var ErrInvalidCode = errors.New("store: a code has 3 to 32 letters, digits, _ or -")

// ErrCodeTaken is returned for a chosen code that is already in use.
var ErrCodeTaken = errors.New("store: code already taken")

var codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{3,32}$`)

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

func validURL(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// AddWithCode stores rawURL under a code the caller chose.
func (s *Store) AddWithCode(code, rawURL string) error {
	if !codePattern.MatchString(code) {
		return ErrInvalidCode
	}
	if !validURL(rawURL) {
		return ErrInvalidURL
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.urls[code]; taken {
		return ErrCodeTaken
	}
	s.urls[code] = rawURL
	return nil
}

// Add stores rawURL under a new code and returns the code.
func (s *Store) Add(rawURL string) (string, error) {
	if !validURL(rawURL) {
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
