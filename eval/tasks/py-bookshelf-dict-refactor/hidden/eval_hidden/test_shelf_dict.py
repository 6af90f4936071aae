import pytest

from bookshelf import Book, Shelf

DUNE = "978-0-13-468599-1"
SOLARIS = "0-306-40615-2"


def test_books_are_kept_by_isbn():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, DUNE))
    assert isinstance(shelf._books, dict)
    assert list(shelf._books) == ["9780134685991"]


def test_duplicate_isbn_is_refused_and_changes_nothing():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, DUNE))
    with pytest.raises(ValueError):
        shelf.add(Book("Dune (again)", "Frank Herbert", 1965, DUNE))
    assert [b.title for b in shelf.all()] == ["Dune"]
    assert len(shelf) == 1


def test_behaviour_is_unchanged():
    shelf = Shelf()
    shelf.add(Book("Solaris", "Stanislaw Lem", 1961, SOLARIS))
    shelf.add(Book("Dune", "Frank Herbert", 1965, DUNE))
    assert [b.title for b in shelf.all()] == ["Solaris", "Dune"]
    assert shelf.get("0306406152").title == "Solaris"
    assert shelf.get("nope") is None
    assert shelf.remove("0306406152") and not shelf.remove("0306406152")
    assert [b.title for b in shelf.find_by_author("HERBERT")] == ["Dune"]
    assert len(shelf) == 1
