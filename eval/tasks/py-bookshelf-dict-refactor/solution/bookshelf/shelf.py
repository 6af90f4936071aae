"""A shelf of books."""

from .models import Book


class Shelf:
    def __init__(self) -> None:
        self._books: dict[str, Book] = {}

    def add(self, book: Book) -> Book:
        if book.isbn in self._books:
            raise ValueError(f"a book with ISBN {book.isbn} is already on the shelf")
        self._books[book.isbn] = book
        return book

    def remove(self, isbn: str) -> bool:
        """Removes the book with this ISBN; whether there was one."""
        return self._books.pop(isbn, None) is not None

    def get(self, isbn: str) -> Book | None:
        return self._books.get(isbn)

    def all(self) -> list[Book]:
        """Every book, in the order added."""
        return list(self._books.values())

    def find_by_author(self, author: str) -> list[Book]:
        """Books whose author contains `author`, case-insensitively, sorted by year."""
        needle = author.lower()
        return sorted((b for b in self._books.values() if needle in b.author.lower()), key=lambda b: b.year)

    def __len__(self) -> int:
        return len(self._books)
