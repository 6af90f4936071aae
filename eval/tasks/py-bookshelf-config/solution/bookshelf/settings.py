"""Settings from bookshelf.toml."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "bookshelf.toml"


@dataclass(frozen=True)
class Settings:
    max_books: int = 1000
    page_size: int = 50


def load_settings(path=None) -> Settings:
    """The settings of `path` (default: bookshelf.toml at the repository root) over the defaults."""
    file = Path(path) if path is not None else DEFAULT_FILE
    try:
        text = file.read_text()
    except FileNotFoundError:
        return Settings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{file} is not valid TOML: {error}") from error
    values = {}
    for table, key in (("shelf", "max_books"), ("api", "page_size")):
        if key in data.get(table, {}):
            value = data[table][key]
            if type(value) is not int or value <= 0:
                raise ValueError(f"{file}: {table}.{key} must be a positive integer, not {value!r}")
            values[key] = value
    return Settings(**values)
