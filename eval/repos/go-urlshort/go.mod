module example.com/urlshort

go 1.19
