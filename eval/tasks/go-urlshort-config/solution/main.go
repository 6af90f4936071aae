package main

import (
	"log"
	"net/http"

	"example.com/urlshort/config"
	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func main() {
	cfg, err := config.Load("urlshort.json")
	if err != nil {
		log.Fatal(err)
	}
	s := store.New()
	log.Printf("urlshort listening on %s", cfg.Addr)
	log.Fatal(http.ListenAndServe(cfg.Addr, server.New(s)))
}
