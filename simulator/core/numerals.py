"""Whole numbers written as text in requests, files and options.

`str.isdigit` is true of superscripts and of other scripts' digits too: `int` refuses some of them (a
check with `isdigit` then lets through what the conversion after it cannot read) and reads others as
numbers nobody typed. A whole number here is ASCII digits.
"""

from __future__ import annotations


def is_whole_number(text: str) -> bool:
    """Whether `text` is a whole number, 0 or more, in ASCII digits."""
    return text.isascii() and text.isdigit()
