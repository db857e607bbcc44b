"""Version numbers are parsed in one place: the URL converter and the compare picker share it."""

import pytest
from django.urls import reverse

from plans.version_numbers import VersionNumber, VersionNumberConverter, parse_version_number


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        ("1.0", (1, 0), True),
        (" 2.13 ", (2, 13), True),
        ("01.0", (1, 0), False),
        ("1.00", (1, 0), False),
        ("9999.9999", (9999, 9999), True),
    ],
)
def test_parse_accepts_every_spelling_of_a_version(text, expected, canonical):
    number = parse_version_number(text)
    assert (number.major, number.minor) == expected
    assert number.is_canonical is canonical
    assert str(number) == f"{expected[0]}.{expected[1]}"


@pytest.mark.parametrize("text", ["", "1", "1.", ".1", "1.0.0", "a.b", "10000.0", "1,0", None, "\uff11.\uff10"])
def test_parse_refuses_what_is_not_a_version(text):
    assert parse_version_number(text) is None


def test_spellings_of_one_version_are_equal_and_ordered_by_number():
    assert parse_version_number("01.0") == VersionNumber(1, 0)
    assert VersionNumber(1, 9) < VersionNumber(1, 10) < VersionNumber(2, 0)


def test_reverse_writes_the_canonical_spelling_from_a_number_or_a_string():
    converter = VersionNumberConverter()
    assert converter.to_url(parse_version_number("01.00")) == "1.0"
    assert converter.to_url("01.2") == "1.2"
    assert reverse("plans:version_detail", kwargs={"slug": "p", "number": VersionNumber(3, 1)}) == "/plans/p/v/3.1/"
    with pytest.raises(ValueError, match="x"):
        converter.to_url("x")
