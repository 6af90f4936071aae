"""Books and their ISBNs."""

from dataclasses import dataclass


def _digits(isbn: str) -> str:
    return isbn.replace("-", "").replace(" ", "").upper()


def validate_isbn(isbn: str) -> bool:
    """Whether `isbn` is a valid ISBN-10 (check digit may be X) or ISBN-13; hyphens and spaces are ignored."""
    digits = _digits(isbn)
    if len(digits) == 10:
        if not digits[:9].isdigit() or not (digits[9].isdigit() or digits[9] == "X"):
            return False
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        return total % 11 == 0
    if len(digits) == 13:
        if not digits.isdigit():
            return False
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    return False


@dataclass
class Book:
    title: str
    author: str
    year: int
    isbn: str
    rating: int | None = None

    def __post_init__(self) -> None:
        if self.rating is not None and (type(self.rating) is not int or not 1 <= self.rating <= 5):
            raise ValueError(f"a rating is an integer from 1 to 5, not {self.rating!r}")
        if not self.title.strip():
            raise ValueError("a book needs a title")
        if not validate_isbn(self.isbn):
            raise ValueError(f"invalid ISBN: {self.isbn}")
        self.isbn = _digits(self.isbn)

    def to_dict(self) -> dict:
        return {"title": self.title, "author": self.author, "year": self.year, "isbn": self.isbn, "rating": self.rating}
