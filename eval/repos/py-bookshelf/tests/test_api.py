import json
from wsgiref.util import setup_testing_defaults

from bookshelf import Book, Shelf
from bookshelf.api import make_app


def call(app, method, path):
    environ = {}
    setup_testing_defaults(environ)
    environ["REQUEST_METHOD"] = method
    environ["PATH_INFO"] = path
    status = {}

    def start_response(s, headers):
        status["status"] = s

    body = b"".join(app(environ, start_response))
    return status["status"], json.loads(body)


def test_list_books():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    status, body = call(make_app(shelf), "GET", "/books")
    assert status == "200 OK"
    assert body[0]["title"] == "Dune"


def test_unknown_path():
    status, body = call(make_app(Shelf()), "GET", "/nothing")
    assert status.startswith("404")
