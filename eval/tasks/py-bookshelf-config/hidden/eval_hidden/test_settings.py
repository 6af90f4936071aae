import tomllib
from pathlib import Path

import pytest

from bookshelf.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_repository_carries_bookshelf_toml():
    data = tomllib.loads((ROOT / "bookshelf.toml").read_text())
    assert data["shelf"]["max_books"] == 500
    assert data["api"]["page_size"] == 20


def test_load_settings_reads_the_default_file():
    assert load_settings() == Settings(max_books=500, page_size=20)


def test_missing_keys_and_missing_file_give_defaults(tmp_path):
    partial = tmp_path / "partial.toml"
    partial.write_text("[api]\npage_size = 5\n")
    assert load_settings(partial) == Settings(max_books=1000, page_size=5)
    assert load_settings(tmp_path / "absent.toml") == Settings()


@pytest.mark.parametrize("text", ["[shelf\nmax_books = ", "[api]\npage_size = 0\n", "[shelf]\nmax_books = \"many\"\n"])
def test_bad_files_are_refused_with_their_name(tmp_path, text):
    bad = tmp_path / "broken.toml"
    bad.write_text(text)
    with pytest.raises(ValueError, match="broken.toml"):
        load_settings(bad)


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().max_books = 3
