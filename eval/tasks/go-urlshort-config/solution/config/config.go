// Package config reads the shortener's settings from a JSON file.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Config is what urlshort.json may set.
type Config struct {
	Addr       string `json:"addr"`
	CodeLength int    `json:"codeLength"`
}

// Defaults are used for whatever the file leaves out.
var Defaults = Config{Addr: ":8080", CodeLength: 6}

// Load reads path over the defaults; a missing file gives the defaults.
func Load(path string) (Config, error) {
	cfg := Defaults
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return Defaults, fmt.Errorf("%s is not valid JSON: %w", path, err)
	}
	if cfg.CodeLength < 4 || cfg.CodeLength > 32 {
		return Defaults, fmt.Errorf("%s: codeLength must be from 4 to 32, not %d", path, cfg.CodeLength)
	}
	return cfg, nil
}
