"""A personal library."""

from .models import Book, validate_isbn
from .shelf import Shelf

__all__ = ["Book", "Shelf", "validate_isbn"]
