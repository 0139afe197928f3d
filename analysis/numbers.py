"""Numbers as a reader of the report's language writes them, through Babel's CLDR data.

The report dict keeps numbers as numbers; every renderer (web page, PDF, charts, target
sentences, the terminal summary) formats them here, so Swedish readers get "90 %", "0,9"
and "p < 0,001" and English readers "90%", "0.9" and "p < 0.001".
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

# A p-value under this is written as "< 0,001": more digits only suggest precision.
SMALLEST_P = 0.001


@dataclass(frozen=True, slots=True)
class Numbers:
    locale: str = "sv"

    def percent(self, share: float) -> str:
        """0.9 -> "90 %" (whole percent)."""
        return format_percent(share, locale=self.locale)

    def decimal(self, number: float, digits: int = 1) -> str:
        """0.9 -> "0,9"; always `digits` decimals."""
        return format_decimal(number, format="#,##0." + "0" * digits, locale=self.locale)

    def integer(self, number: int) -> str:
        """12345 -> "12 345"."""
        return format_decimal(number, locale=self.locale)

    def p_value(self, p: float) -> str:
        """0.0004 -> "< 0,001", 0.0231 -> "0,023"."""
        if p < SMALLEST_P:
            return "< " + self.decimal(SMALLEST_P, 3)
        return self.decimal(p, 3)


SWEDISH = Numbers("sv")
