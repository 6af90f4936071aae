package main

import (
	"log"
	"net/http"

	"example.com/urlshort/server"
	"example.com/urlshort/store"
)

func main() {
	s := store.New()
	log.Println("urlshort listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", server.New(s)))
}
