"""A shelf of books."""

from .models import Book


class Shelf:
    def __init__(self) -> None:
        self._books: list[Book] = []

    def add(self, book: Book) -> Book:
        self._books.append(book)
        return book

    def remove(self, isbn: str) -> bool:
        """Removes the book with this ISBN; whether there was one."""
        for i, book in enumerate(self._books):
            if book.isbn == isbn:
                del self._books[i]
                return True
        return False

    def get(self, isbn: str) -> Book | None:
        for book in self._books:
            if book.isbn == isbn:
                return book
        return None

    def all(self) -> list[Book]:
        """Every book, in the order added."""
        return list(self._books)

    def find_by_author(self, author: str) -> list[Book]:
        """Books whose author contains `author`, case-insensitively, sorted by year."""
        needle = author.lower()
        return sorted((b for b in self._books if needle in b.author.lower()), key=lambda b: b.year)

    def published_between(self, start: int, end: int) -> list[Book]:
        """Books from `start` to `end` (both included), by year, then title."""
        if start > end:
            raise ValueError(f"start {start} is after end {end}")
        return sorted((b for b in self._books if start <= b.year <= end), key=lambda b: (b.year, b.title))

    def __len__(self) -> int:
        return len(self._books)
