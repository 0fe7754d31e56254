"""Processes: their current phase and whether they take contributions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import (
    Process,
    ProcessPhase,
)


def current_phase(*, process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    today = today or timezone.localdate()
    for phase in process.phases.all():
        if phase.is_current(today):
            return phase
    return None


def contributions_open(*, process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    """The current phase when it accepts online contributions, else None."""
    if process.status != Process.Status.OPEN:
        return None
    phase = current_phase(process=process, today=today)
    return phase if phase is not None and phase.contributions_open else None
