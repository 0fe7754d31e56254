"""A small client of ISTAT's SDMX REST API (esploradati.istat.it).

Lists dataflows, reads a flow's dimensions in the data structure's order to build keys,
and fetches data as SDMX-CSV. Keeps to about 5 requests a minute (ISTAT bans clients that
ask faster), retries with exponential back-off on 429 and 5xx answers and network errors,
and works around the endPeriod quirk: esploradati returns one year past endPeriod, so the
client drops observations after the year asked for. The transport, clock and sleep are
injectable; the tests use recorded responses, never the network.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .tabular import read_csv, write_csv

BASE_URL = "https://esploradati.istat.it/SDMXWS/rest"
AGENCY = "IT1"
CSV_ACCEPT = "application/vnd.sdmx.data+csv;version=1.0.0"
STRUCTURE_ACCEPT = "application/vnd.sdmx.structure+xml;version=2.1"
RETRY_STATUSES = {429, 500, 502, 503, 504}
USER_AGENT = "Territori (monitoring of the Agenda for sustainable development)"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


Transport = Callable[[str, Mapping[str, str], float], Response]


class IstatError(Exception):
    pass


def urllib_transport(url: str, headers: Mapping[str, str], timeout: float) -> Response:
    request = urllib.request.Request(url, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, answer.read(), dict(answer.headers))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read() or b"", dict(exc.headers or {}))


@dataclass(frozen=True)
class Dataflow:
    id: str
    version: str
    structure: str
    name_it: str
    name_en: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _names(element: object) -> dict[str, str]:
    names: dict[str, str] = {}
    for child in element:  # type: ignore[attr-defined]
        if _local(child.tag) == "Name":
            lang = child.get("{http://www.w3.org/XML/1998/namespace}lang", "")
            names[lang] = (child.text or "").strip()
    return names


class IstatClient:
    def __init__(
        self,
        *,
        base_url: str = BASE_URL,
        transport: Transport = urllib_transport,
        min_interval: float = 12.0,
        retries: int = 4,
        backoff: float = 10.0,
        timeout: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None
        self.requests: list[str] = []

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self._last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def get(self, path: str, *, accept: str, params: Mapping[str, str] | None = None) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        url = f"{self.base_url}/{path.lstrip('/')}{query}"
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        problem = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            self.requests.append(url)
            try:
                response = self.transport(url, headers, self.timeout)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                problem = f"network error: {exc}"
            else:
                if response.status == 200:
                    return response.body
                if response.status == 404:
                    text = response.body.decode("utf-8", "replace").strip()[:200]
                    raise IstatError(f"{url}: not found ({text or 'no data for this key'})")
                if response.status not in RETRY_STATUSES:
                    raise IstatError(f"{url}: HTTP {response.status}")
                problem = f"HTTP {response.status}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit() and attempt < self.retries:
                    self.sleep(float(retry_after))
                    continue
            if attempt < self.retries:
                self.sleep(self.backoff * 2**attempt)
        raise IstatError(f"{url}: gave up after {self.retries + 1} attempts ({problem})")

    def dataflows(self) -> list[Dataflow]:
        from defusedxml import ElementTree

        root = ElementTree.fromstring(self.get(f"dataflow/{AGENCY}", accept=STRUCTURE_ACCEPT))
        flows = []
        for element in root.iter():
            if _local(element.tag) != "Dataflow":
                continue
            names = _names(element)
            ref = next((e for e in element.iter() if _local(e.tag) == "Ref"), None)
            flows.append(
                Dataflow(
                    id=element.get("id", ""),
                    version=element.get("version", ""),
                    structure=ref.get("id", "") if ref is not None else "",
                    name_it=names.get("it", ""),
                    name_en=names.get("en", ""),
                )
            )
        return flows

    def dimensions(self, flow: str) -> list[str]:
        """The flow's dimensions in key order (TIME_PERIOD left out)."""
        from defusedxml import ElementTree

        body = self.get(
            f"dataflow/{AGENCY}/{flow}/latest",
            accept=STRUCTURE_ACCEPT,
            params={"references": "datastructure"},
        )
        root = ElementTree.fromstring(body)
        found: list[tuple[int, str]] = []
        for element in root.iter():
            if _local(element.tag) == "Dimension":
                found.append((int(element.get("position", len(found) + 1)), element.get("id", "")))
        if not found:
            raise IstatError(f"dataflow {flow}: no dimensions in its data structure")
        return [name for _, name in sorted(found)]

    def build_key(self, flow: str, filters: Mapping[str, Sequence[str]]) -> str:
        """A key in the data structure's order: values joined by '+', empty for all."""
        dimensions = self.dimensions(flow)
        unknown = sorted(set(filters) - set(dimensions))
        if unknown:
            raise IstatError(
                f"dataflow {flow} has no dimension {', '.join(unknown)} "
                f"(it has {', '.join(dimensions)})"
            )
        return ".".join("+".join(filters.get(name, [])) for name in dimensions)

    def data_csv(self, flow: str, key: str, *, start: int | None, end: int | None) -> bytes:
        """SDMX-CSV of a key, trimmed to the years asked for (the endPeriod quirk)."""
        params = {}
        if start is not None:
            params["startPeriod"] = str(start)
        if end is not None:
            params["endPeriod"] = str(end)
        body = self.get(f"data/{flow}/{key}", accept=CSV_ACCEPT, params=params)
        rows = list(read_csv(body))
        if not rows:
            return body
        header = list(rows[0].values)
        kept: list[list[object]] = []
        for row in rows:
            year_text = row.get("time_period")[:4]
            year = int(year_text) if year_text.isdigit() else None
            if year is not None and (
                (end is not None and year > end) or (start is not None and year < start)
            ):
                continue
            kept.append([row.values.get(name, "") for name in header])
        return write_csv([name.upper() for name in header], kept)
