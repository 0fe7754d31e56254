"""Planning zone membership imports (pure)."""

from __future__ import annotations

import datetime as dt

from territori.io.tabular import read_csv
from territori.io.zones import Period, plan_zone_memberships

COMUNI = {
    "001001": "Agliè",
    "001130": "Leini",
    "001316": "Mappano",
    "001272": "Torino",
    "001090": "Collegno",
}
ZONES = set(range(1, 12))


def plan(text: str, existing=None):
    rows = list(read_csv(text.encode()))
    return plan_zone_memberships(rows, comuni=COMUNI, zones=ZONES, existing=existing or {})


def test_names_match_without_accents_and_codes_without_leading_zeros():
    result = plan("comune,zona,valid_from\nLeinì,4,\n1272,1,\n")
    assert result.errors == []
    assert [(code, period.zone) for _row, code, period in result.create] == [
        ("001130", 4),
        ("001272", 1),
    ]


def test_unknown_and_misspelt_comuni_are_named_with_a_suggestion():
    result = plan("comune,zona\nAtlantide,2\nColegno,2\n999999,2\n")
    messages = {error.row: error.message for error in result.errors}
    assert messages[2] == "unknown comune"
    assert messages[3] == "unknown comune; did you mean 'Collegno'?"
    assert messages[4] == "unknown ISTAT code"


def test_a_comune_in_two_zones_at_once_is_refused():
    result = plan("comune,zona\nTorino,1\nTorino,2\n")
    assert [(e.row, e.field) for e in result.errors] == [(3, "zona")]
    assert "two zones at once" in result.errors[0].message


def test_a_dated_move_closes_the_previous_membership_the_day_before():
    existing = {"001316": [Period(4, dt.date(2021, 8, 4), None, membership_id=7)]}
    result = plan("comune,zona,valid_from\nMappano,10,2025-01-01\n", existing)
    assert result.errors == []
    assert result.close == [(2, 7, dt.date(2024, 12, 31))]
    assert result.create[0][2].valid_from == dt.date(2025, 1, 1)


def test_an_undated_move_is_refused_with_a_hint():
    existing = {"001316": [Period(4, dt.date(2021, 8, 4), None, membership_id=7)]}
    result = plan("comune,zona\nMappano,10\n", existing)
    assert "give valid_from to move it" in result.errors[0].message


def test_a_history_in_one_file_closes_the_earlier_period():
    result = plan("comune,zona,valid_from\nMappano,10,2025-01-01\nMappano,4,2021-08-04\n")
    assert result.errors == []
    periods = sorted((p.zone, p.valid_from, p.valid_to) for _r, _c, p in result.create)
    assert periods == [
        (4, dt.date(2021, 8, 4), dt.date(2024, 12, 31)),
        (10, dt.date(2025, 1, 1), None),
    ]


def test_existing_membership_is_unchanged_and_bad_values_are_named():
    existing = {"001272": [Period(1, None, None, membership_id=1)]}
    result = plan(
        "comune,zona,valid_from\nTorino,1,\nCollegno,12,\nAgliè,x,\nLeini,4,2020-13-01\n", existing
    )
    assert result.unchanged == [(2, "001272", 1)]
    assert {(e.row, e.field) for e in result.errors} == {
        (3, "zona"),
        (4, "zona"),
        (5, "valid_from"),
    }


def test_missing_column_is_reported_once():
    result = plan("comune,valid_from\nTorino,\n")
    assert [(e.row, e.field, e.message) for e in result.errors] == [
        (1, "zona", "required column is missing")
    ]
