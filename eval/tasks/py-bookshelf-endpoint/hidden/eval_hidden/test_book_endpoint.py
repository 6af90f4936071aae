import json
from wsgiref.util import setup_testing_defaults

from bookshelf import Book, Shelf
from bookshelf.api import make_app


def call(app, path):
    environ = {}
    setup_testing_defaults(environ)
    environ["REQUEST_METHOD"] = "GET"
    environ["PATH_INFO"] = path
    seen = {}

    def start_response(status, headers):
        seen["status"] = status
        seen["headers"] = dict(headers)

    body = json.loads(b"".join(app(environ, start_response)))
    return seen["status"], seen["headers"], body


def app():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    shelf.add(Book("Arrival", "Ted Chiang", 2002, "0-8044-2957-X"))
    return make_app(shelf)


def test_one_book_by_isbn():
    status, headers, body = call(app(), "/books/9780134685991")
    assert status.startswith("200")
    assert headers["Content-Type"] == "application/json"
    assert body == {"title": "Dune", "author": "Frank Herbert", "year": 1965, "isbn": "9780134685991"}


def test_hyphens_and_lower_case_x_in_the_path():
    assert call(app(), "/books/978-0-13-468599-1")[2]["title"] == "Dune"
    assert call(app(), "/books/0-8044-2957-x")[2]["title"] == "Arrival"


def test_unknown_isbn_is_404():
    status, _, body = call(app(), "/books/0000000000")
    assert status.startswith("404")
    assert body == {"error": "not found"}


def test_list_still_works():
    status, _, body = call(app(), "/books")
    assert status.startswith("200")
    assert [b["title"] for b in body] == ["Dune", "Arrival"]
