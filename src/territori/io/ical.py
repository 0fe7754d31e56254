"""iCalendar (RFC 5545) files for meetings: one event, or a feed of a process's meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Territori//Agenda per lo sviluppo sostenibile//IT"


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    all_day: bool = False  # only the day is known: DTSTART;VALUE=DATE (the Rome date)


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, newlines as \\n (3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets folded with CRLF + space, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("iCal times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(event: Event) -> list[str]:
    if event.all_day:
        from zoneinfo import ZoneInfo

        day = event.start.astimezone(ZoneInfo("Europe/Rome")).date()
        last = event.end.astimezone(ZoneInfo("Europe/Rome")).date()
        return [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",  # DTEND is exclusive
        ]
    return [f"DTSTART:{_utc(event.start)}", f"DTEND:{_utc(event.end)}"]


def calendar(events: Iterable[Event], *, name: str, stamp: dt.datetime) -> str:
    """A VCALENDAR with the events; times in UTC so every client places them right."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Rome",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(stamp)}",
            *_when(event),
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
