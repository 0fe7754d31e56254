"""The ISTAT SDMX client on recorded responses: keys, rate limit, retries, endPeriod quirk."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from territori.io.istat import IstatClient, IstatError, Response


class Replay:
    """Answers requests from recorded files; `script` can prepend failures."""

    def __init__(self, fixture_bytes, script: list[Response] | None = None) -> None:
        self.read = fixture_bytes
        self.script = list(script or [])
        self.calls: list[tuple[str, str]] = []

    def __call__(self, url: str, headers: Mapping[str, str], timeout: float) -> Response:
        self.calls.append((url, headers["Accept"]))
        if self.script:
            return self.script.pop(0)
        if "/dataflow/IT1/22_289" in url:
            return Response(200, self.read("istat", "dataflow-22_289.xml"))
        if url.endswith("/dataflow/IT1"):
            return Response(200, self.read("istat", "dataflows.xml"))
        if "/data/22_289/" in url:
            return Response(200, self.read("istat", "data-22_289.csv"))
        return Response(404, b"NoRecordsFound")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(replay: Replay, clock: Clock, **kwargs) -> IstatClient:
    return IstatClient(transport=replay, clock=clock.time, sleep=clock.sleep, **kwargs)


def test_dataflows_and_key_in_structure_order(fixture_bytes) -> None:
    replay, clock = Replay(fixture_bytes), Clock()
    istat = client(replay, clock)
    flows = istat.dataflows()
    assert [(f.id, f.structure) for f in flows] == [
        ("22_289", "DCIS_POPRES1"),
        ("41_983", "DCIS_INCIDMORFER_COM"),
    ]
    assert flows[0].name_it.startswith("Popolazione residente")
    key = istat.build_key("22_289", {"REF_AREA": ["001272", "ITC11"], "SEX": ["9"], "FREQ": ["A"]})
    assert key == "A.001272+ITC11..9.."  # FREQ, REF_AREA, DATA_TYPE, SEX, AGE, MARITAL_STATUS
    with pytest.raises(IstatError, match="no dimension ITTER107"):
        istat.build_key("22_289", {"ITTER107": ["001272"]})


def test_rate_limit_keeps_five_requests_a_minute(fixture_bytes) -> None:
    replay, clock = Replay(fixture_bytes), Clock()
    istat = client(replay, clock)
    for _ in range(3):
        istat.dataflows()
    assert clock.sleeps == [12.0, 12.0]  # no request sooner than 12 s after the previous


def test_retries_with_back_off_then_gives_up(fixture_bytes) -> None:
    replay = Replay(fixture_bytes, [Response(503, b""), Response(429, b"", {"Retry-After": "30"})])
    clock = Clock()
    istat = client(replay, clock, min_interval=0)
    assert istat.dataflows()[0].id == "22_289"
    assert clock.sleeps == [10.0, 30.0]  # back-off after the 503, Retry-After after the 429
    failing = Replay(fixture_bytes, [Response(500, b"")] * 5)
    istat = client(failing, Clock(), min_interval=0, retries=2)
    with pytest.raises(IstatError, match="gave up after 3 attempts"):
        istat.dataflows()
    with pytest.raises(IstatError, match="not found"):
        client(Replay(fixture_bytes), Clock()).data_csv("99_999", "A", start=None, end=None)


def test_data_drops_the_extra_year_of_the_end_period_quirk(fixture_bytes) -> None:
    replay, clock = Replay(fixture_bytes), Clock()
    body = client(replay, clock).data_csv("22_289", "A.001272+ITC11....", start=2024, end=2025)
    url, accept = replay.calls[-1]
    assert url.endswith("/data/22_289/A.001272+ITC11....?startPeriod=2024&endPeriod=2025")
    assert accept == "application/vnd.sdmx.data+csv;version=1.0.0"
    text = body.decode()
    assert "2026" not in text and text.count("\n") == 4  # header + 3 observations
