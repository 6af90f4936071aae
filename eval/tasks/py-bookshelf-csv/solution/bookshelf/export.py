"""The shelf in other formats."""

import csv
import io

from .shelf import Shelf


def to_csv(shelf: Shelf) -> str:
    """A header line, then one line per book in the order added."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", "author", "year", "isbn"])
    for book in shelf.all():
        writer.writerow([book.title, book.author, book.year, book.isbn])
    return out.getvalue()
