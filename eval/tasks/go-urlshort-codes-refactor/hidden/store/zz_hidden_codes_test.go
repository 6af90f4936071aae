package store_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"example.com/urlshort/store"
)

func TestHiddenNewCodeMapsBytesToTheAlphabet(t *testing.T) {
	code, err := store.NewCode(bytes.NewReader([]byte{0, 1, 61, 62}), 4)
	if err != nil || code != "ab9a" {
		t.Fatalf("NewCode = %q, %v", code, err)
	}
	if _, err := store.NewCode(bytes.NewReader([]byte{1, 2}), 4); err == nil {
		t.Fatal("a short reader gave no error")
	}
}

func TestHiddenAddStillGeneratesTheSameCodes(t *testing.T) {
	s := store.New()
	s.Random = bytes.NewReader([]byte{25, 26, 51, 52, 61, 200})
	code, err := s.Add("https://example.com")
	if err != nil || code != "zAZ09o" {
		t.Fatalf("Add = %q, %v", code, err)
	}
}

func TestHiddenStoreUsesNewCode(t *testing.T) {
	source, err := os.ReadFile("store.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(source), "NewCode(") || strings.Contains(string(source), "alphabet[") {
		t.Fatal("store.go should call NewCode instead of indexing the alphabet itself")
	}
	if _, err := os.Stat("codes.go"); err != nil {
		t.Fatal(err)
	}
}
