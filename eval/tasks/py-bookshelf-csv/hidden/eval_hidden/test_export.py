import csv
import io

from bookshelf import Book, Shelf
from bookshelf.export import to_csv


def test_empty_shelf_is_the_header():
    assert to_csv(Shelf()) == "title,author,year,isbn\n"


def test_books_in_order_with_quoting():
    shelf = Shelf()
    shelf.add(Book("Dune", "Frank Herbert", 1965, "978-0-13-468599-1"))
    shelf.add(Book('Stories of Your Life, and "Others"', "Ted Chiang", 2002, "0-8044-2957-X"))
    text = to_csv(shelf)
    assert text.splitlines()[1] == "Dune,Frank Herbert,1965,9780134685991"
    assert text.splitlines()[2] == '"Stories of Your Life, and ""Others""",Ted Chiang,2002,080442957X'
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2] == ['Stories of Your Life, and "Others"', "Ted Chiang", "2002", "080442957X"]
    assert text.endswith("\n") and "\r" not in text
