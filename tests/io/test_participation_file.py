"""The participation file reader: shape, types, dates and references inside the file, each
problem named with its line and field."""

from __future__ import annotations

import datetime as dt

import pytest

from territori.io.participation import read_participation

GOOD = b"""\
processes:
- code: percorso-prova
  title_it: Percorso di prova
  nodes: [agenda:1.2]
  phases:
  - {title_it: Ascolto, start: 2028-02-29, end: 2028-03-31, contributions_open: true}
meetings:
- code: incontro-prova
  kind: lab
  title_it: Laboratorio di prova
  process: percorso-prova
  phase: 1
  starts_at: 2028-03-01 14:30
  ends_at: 2028-03-01 17:00
  comune: Pinerolo
  zone: 5
  agenda:
  - {title_it: Accoglienza, duration: 20}
questionnaires:
- code: questionario-prova
  title_it: Questionario di prova
  opens_at: 2028-01-01 00:00
  closes_at: 2028-12-31 23:59
  questions:
  - {code: visto, kind: single, text_it: "Sei venuto?", options: ["Si", "No"]}
  - code: voto
    kind: scale
    text_it: Quanto ti e piaciuto?
    show_if: {question: visto, values: ["Si"]}
"""


def test_a_good_file_is_read_with_local_times_and_lines():
    document, errors = read_participation(GOOD)
    assert errors == []
    assert document is not None
    meeting = document.meetings[0]
    assert meeting.starts_at == dt.datetime(2028, 3, 1, 14, 30)  # local: no zone given
    assert meeting.agenda[0].duration == 20
    assert document.processes[0].phases[0].start == dt.date(2028, 2, 29)
    assert document.line("meetings", 0) == 8
    assert document.questionnaires[0].questions[1].show_if is not None


def test_shifting_moves_every_date_and_keeps_29_february_in_february():
    document, _errors = read_participation(GOOD)
    assert document is not None
    moved = document.shifted(years=-2)
    assert moved.processes[0].phases[0].start == dt.date(2026, 2, 28)
    assert moved.meetings[0].starts_at == dt.datetime(2026, 3, 1, 14, 30)
    assert moved.questionnaires[0].closes_at == dt.datetime(2026, 12, 31, 23, 59)
    assert moved.line("meetings", 0) == 8  # lines survive the shift
    assert document.shifted(years=0) is document


@pytest.mark.parametrize(
    ("replace", "by", "line", "field", "reason"),
    [
        (b"  kind: lab\n", b"  kind: lab\n  colour: red\n", 8, "meetings[1].colour", "Extra"),
        (b"starts_at: 2028-03-01 14:30", b"starts_at: domani", 8, "meetings[1].starts_at", "date"),
        (b"ends_at: 2028-03-01 17:00", b"ends_at: 2028-03-01 09:00", 8, "ends_at", "before"),
        (b"  phase: 1\n", b"  phase: 4\n", 8, "meetings[1].phase", "no such phase"),
        (b"end: 2028-03-31", b"end: 2028-01-31", 6, "phases[1].end", "before it starts"),
        (b"start: 2028-02-29", b"start: 1848-02-29", 6, "phases[1].start", "year outside"),
        (b"code: incontro-prova", b"code: Incontro Prova", 8, "meetings[1].code", "pattern"),
        (b"zone: 5", b"zone: 0", 8, "meetings[1].zone", "greater than"),
        (b"zone: 5", b"zone: 5\n  latitude: .nan\n  longitude: 7.5", 8, "latitude", "finite"),
        (b"zone: 5", b"zone: 5\n  latitude: 1e308\n  longitude: 7.5", 8, "latitude", "less than"),
        (b"zone: 5", b"zone: 5\n  capacity: .inf", 8, "meetings[1].capacity", "finite"),
        (b"duration: 20", b"duration: -20", 18, "agenda[1].duration", "greater than"),
        (b'values: ["Si"]', b'values: ["Forse"]', 29, "show_if", "not an option"),
        (b"{question: visto", b"{question: voto", 29, "show_if", "earlier question"),
        (b"nodes: [agenda:1.2]", b"nodes: [nodo]", 2, "processes[1].nodes[1]", "pattern"),
    ],
)
def test_each_problem_names_its_line_field_and_reason(replace, by, line, field, reason):
    assert replace in GOOD
    document, errors = read_participation(GOOD.replace(replace, by, 1))
    assert document is None
    assert errors, "the problem was not found"
    error = errors[0]
    assert field in error.field
    assert reason.lower() in error.message.lower()
    assert error.row == line, str(error)


def test_a_code_twice_is_refused():
    twice = (
        GOOD
        + b"- code: questionario-prova\n  title_it: Altro\n"
        + (b"  opens_at: 2028-01-01 00:00\n  closes_at: 2028-02-01 00:00\n  questions: []\n")
    )
    document, errors = read_participation(twice)
    assert document is None
    assert [(e.field, e.message) for e in errors] == [
        ("questionnaires[2].code", "the code appears twice")
    ]


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (b"\xff\xfe", "encoding", "UTF-8"),
        (b"processes: [", "yaml", "not valid YAML"),
        (b"- just a list\n", "file", "expected a mapping"),
        (b"a: &x [1]\nb: *x\n", "yaml", "aliases"),
        (b"processes: 3\n", "processes", "list"),
    ],
)
def test_files_that_are_not_participation_files(data, field, reason):
    document, errors = read_participation(data)
    assert document is None
    assert errors[0].field == field
    assert reason.lower() in errors[0].message.lower()


def test_an_oversized_file_is_refused_before_parsing():
    document, errors = read_participation(b"#" * (5 * 1024 * 1024 + 1))
    assert document is None
    assert "larger than" in errors[0].message
