import pytest

from bookshelf import Book, Shelf, validate_isbn


def test_isbn_validation():
    assert validate_isbn("978-0-13-468599-1")
    assert validate_isbn("0-306-40615-2")
    assert not validate_isbn("0-306-40615-3")


def test_book_needs_a_valid_isbn():
    with pytest.raises(ValueError):
        Book("Dune", "Frank Herbert", 1965, "123")


def test_find_by_author_sorted_by_year():
    shelf = Shelf()
    shelf.add(Book("Children of Dune", "Frank Herbert", 1976, "0-306-40615-2"))
    shelf.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    assert [b.title for b in shelf.find_by_author("herbert")] == ["Dune", "Children of Dune"]


def test_remove():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    assert shelf.remove("9780134685991")
    assert not shelf.remove("9780134685991")
    assert len(shelf) == 0
