import pytest

from bookshelf import Book, Shelf

DUNE = "978-0-13-468599-1"
SOLARIS = "0-306-40615-2"
ARRIVAL = "0-8044-2957-X"
BABEL = "9780306406157"


def test_ratings_are_one_to_five():
    assert Book("Dune", "Frank Herbert", 1965, DUNE, rating=5).rating == 5
    assert Book("Dune", "Frank Herbert", 1965, DUNE).rating is None
    for bad in (0, 6, 4.5, True, "5"):
        with pytest.raises(ValueError):
            Book("Dune", "Frank Herbert", 1965, DUNE, rating=bad)


def test_to_dict_has_the_rating():
    assert Book("Dune", "Frank Herbert", 1965, DUNE, rating=4).to_dict()["rating"] == 4
    assert Book("Dune", "Frank Herbert", 1965, DUNE).to_dict()["rating"] is None


def test_top_rated():
    shelf = Shelf()
    shelf.add(Book("Solaris", "Stanislaw Lem", 1961, SOLARIS, rating=4))
    shelf.add(Book("Dune", "Frank Herbert", 1965, DUNE))
    shelf.add(Book("Babel-17", "Samuel Delany", 1966, BABEL, rating=5))
    shelf.add(Book("Arrival", "Ted Chiang", 2002, ARRIVAL, rating=4))
    assert [b.title for b in shelf.top_rated(2)] == ["Babel-17", "Arrival"]
    assert [b.title for b in shelf.top_rated(10)] == ["Babel-17", "Arrival", "Solaris"]
    with pytest.raises(ValueError):
        shelf.top_rated(0)
