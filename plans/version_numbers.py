"""Version numbers (`1.0`, `2.13`): the one place that parses and spells them.

URLs carry them through `VersionNumberConverter` (`<version:number>` in plans.urls), so a
view receives a `VersionNumber`, never a string to split. A number typed with leading
zeros (`01.0`, `1.00`) is the same version; `is_canonical` tells the views to redirect to
the one spelling (`1.0`), so a version is never served under several addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# At most four digits each side: "9999.9999".
_PATTERN = r"[0-9]{1,4}\.[0-9]{1,4}"
_FULL = re.compile(rf"^{_PATTERN}$")


@dataclass(frozen=True, order=True)
class VersionNumber:
    major: int
    minor: int
    spelled: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_canonical(self) -> bool:
        """Was it written the one canonical way (no leading zeros)?"""
        return not self.spelled or self.spelled == str(self)


def parse_version_number(text: str | None) -> VersionNumber | None:
    """The version number written in `text` (surrounding spaces allowed), or None if it is not one."""
    text = (text or "").strip()
    if not _FULL.match(text):
        return None
    major, minor = text.split(".")
    return VersionNumber(int(major), int(minor), spelled=text)


class VersionNumberConverter:
    """`<version:number>` in URL patterns: a VersionNumber in the view, the canonical spelling in reverse()."""

    regex = _PATTERN

    def to_python(self, value: str) -> VersionNumber:
        number = parse_version_number(value)
        if number is None:  # cannot happen for a value matching `regex`
            raise ValueError(value)
        return number

    def to_url(self, value: VersionNumber | str) -> str:
        number = value if isinstance(value, VersionNumber) else parse_version_number(str(value))
        if number is None:
            raise ValueError(value)
        return str(number)
