package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"example.com/urlshort/config"
)

func TestHiddenTheRepositoryFile(t *testing.T) {
	got, err := config.Load(filepath.Join("..", "urlshort.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got != (config.Config{Addr: ":9090", CodeLength: 8}) {
		t.Fatalf("Load = %+v", got)
	}
}

func TestHiddenDefaults(t *testing.T) {
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial.json")
	if err := os.WriteFile(partial, []byte(`{"addr": ":1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := config.Load(partial); err != nil || got != (config.Config{Addr: ":1", CodeLength: 6}) {
		t.Fatalf("partial: %+v, %v", got, err)
	}
	if got, err := config.Load(filepath.Join(dir, "absent.json")); err != nil || got != (config.Config{Addr: ":8080", CodeLength: 6}) {
		t.Fatalf("absent: %+v, %v", got, err)
	}
}

func TestHiddenBadFilesNameThemselves(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"broken.json": `{"addr": `, "short.json": `{"codeLength": 2}`, "long.json": `{"codeLength": 33}`} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := config.Load(file); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Load(%s) = %v, want an error naming the file", name, err)
		}
	}
}
