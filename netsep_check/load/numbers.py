"""Numbers read exactly: a fraction is never taken for a whole number.

A decimal number with more digits than a float holds is rounded when read:
``364.99999999999999`` becomes ``365.0``, which a schema's ``integer`` accepts and a
"at least 365 days" rule passes. Such a number is refused where it is read (YAML and JSON
alike), naming it; ``365.0`` and ``3.65e2``, which are that whole number exactly, are kept.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class InexactNumber(ValueError):
    """A number whose float reading is a whole number that the text does not denote."""

    def __init__(self, literal: str, rounded: float) -> None:
        super().__init__(literal)
        self.literal = literal
        self.rounded = rounded


def exact_float(text: str) -> float:
    """``float(text)``, refused (:class:`InexactNumber`) when it rounds a fraction (a number
    the text writes with digits after the point) to a whole number."""
    value = float(text)
    if value.is_integer():
        try:
            written = Decimal(text)
            fraction = written != written.to_integral_value()
        except InvalidOperation:  # pragma: no cover - float() read it, so Decimal does
            fraction = True
        if fraction:  # a whole number rounded to another one (1.3956303820799438e+17, as
            raise InexactNumber(text, value)  # json.dumps writes it) is no fraction
    return value
