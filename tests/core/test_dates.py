"""Italian dates name months and weekdays in lower case, as Italian writes them."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from territori.core.dates import MONTHS, WEEKDAYS


def render(value: dt.date, language: str) -> str:
    with translation.override(language):
        return Template('{{ d|date:"l j F Y" }}').render(Context({"d": value}))


def test_italian_dates_are_in_lower_case_and_english_ones_capitalised() -> None:
    assert render(dt.date(2026, 3, 2), "it") == "lunedì 2 marzo 2026"
    assert render(dt.date(2026, 3, 2), "en") == "Monday 2 March 2026"


def test_every_month_and_weekday_is_translated_in_lower_case() -> None:
    with translation.override("it"):
        for name in (*MONTHS, *WEEKDAYS):
            italian = translation.gettext(name)
            assert italian != name and italian == italian.lower(), (name, italian)
    # and the date format uses them: every month of a year
    for month in range(1, 13):
        text = render(dt.date(2026, month, 1), "it")
        assert text == text.lower(), text
