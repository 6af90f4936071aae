import pytest

from bookshelf import Book, Shelf


def shelf():
    s = Shelf()
    s.add(Book("Solaris", "Stanislaw Lem", 1961, "0-306-40615-2"))
    s.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    s.add(Book("Babel-17", "Samuel Delany", 1966, "9780306406157"))
    s.add(Book("Arrival", "Ted Chiang", 1966, "0-8044-2957-X"))
    s.add(Book("Neuromancer", "William Gibson", 1984, "978-3-16-148410-0"))
    return s


def test_both_ends_included_sorted_by_year_then_title():
    assert [b.title for b in shelf().published_between(1961, 1966)] == ["Solaris", "Dune", "Arrival", "Babel-17"]


def test_nothing_in_range():
    assert shelf().published_between(1990, 2000) == []


def test_start_after_end_is_an_error():
    with pytest.raises(ValueError):
        shelf().published_between(2000, 1990)
