from bookshelf import Book, validate_isbn


def test_check_digit_x_is_accepted():
    assert validate_isbn("0-8044-2957-X")
    assert validate_isbn("080442957x")


def test_wrong_check_digit_and_misplaced_x_are_rejected():
    assert not validate_isbn("0-8044-2957-5")
    assert not validate_isbn("0-8X44-2957-0")
    assert not validate_isbn("X-8044-2957-0")


def test_book_with_x_keeps_it_upper_case():
    assert Book("Arrival", "Ted Chiang", 2002, "0-8044-2957-x").isbn == "080442957X"


def test_isbn13_still_valid():
    assert validate_isbn("978-0-13-468599-1")
    assert not validate_isbn("978-0-13-468599-2")
