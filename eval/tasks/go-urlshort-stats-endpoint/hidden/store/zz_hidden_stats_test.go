package store_test

import (
	"errors"
	"testing"

	"example.com/urlshort/store"
)

func TestHiddenVisitCountsGetDoesNot(t *testing.T) {
	s := store.New()
	code, err := s.Add("https://example.com/docs")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats(code); st.Hits != 0 || st.Code != code || st.URL != "https://example.com/docs" {
		t.Fatalf("fresh stats %+v", st)
	}
	if _, err := s.Get(code); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if u, err := s.Visit(code); err != nil || u != "https://example.com/docs" {
			t.Fatalf("Visit = %q, %v", u, err)
		}
	}
	if st, _ := s.Stats(code); st.Hits != 3 {
		t.Fatalf("hits %d, want 3", st.Hits)
	}
}

func TestHiddenStatsOfAnUnknownCode(t *testing.T) {
	if _, err := store.New().Stats("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if _, err := store.New().Visit("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}
