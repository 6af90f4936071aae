"""The shelf as a JSON web API (WSGI)."""

import json

from .shelf import Shelf


def _json(start_response, status: str, body) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def make_app(shelf: Shelf):
    """A WSGI application: GET /books lists every book."""

    def app(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if method == "GET" and path == "/books":
            return _json(start_response, "200 OK", [b.to_dict() for b in shelf.all()])
        if method == "GET" and path.startswith("/books/"):
            isbn = path[len("/books/") :].replace("-", "").upper()
            book = shelf.get(isbn)
            if book is None:
                return _json(start_response, "404 Not Found", {"error": "not found"})
            return _json(start_response, "200 OK", book.to_dict())

        return _json(start_response, "404 Not Found", {"error": "not found"})

    return app
