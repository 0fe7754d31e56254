"""Benchmark: many clients on a running portal, against the same server's static files.

Runs wrk (a real load tool: `apt-get install wrk`) against a server on this machine only
(loopback), for a bounded time: first a static file the server itself serves (its CSS),
then a mix of public pages of the demo, each client going through them in turn. Prints
requests per second, latency percentiles and errors of each, the ratio of the pages'
throughput to the static file's, and whether the aims are met (at least a third of the
static throughput, p95 under 150 ms, no errors).

    TERRITORI_API_RATE_ANON=1000000/m ./run --bind 127.0.0.1:8765 &   # in another terminal
    python bench/web_load.py http://127.0.0.1:8765 --clients 20 --seconds 20

All of wrk's clients come from one address, 127.0.0.1, so the API's limit per address
(600 requests a minute by default) would answer most of the mix's API requests with 429:
start the server with a higher limit, as above. Answers 429 are counted apart and named.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: Public pages of the demo: Italian and English, lists and details, every section.
PAGES = [
    "/",
    "/en/",
    "/quadri/",
    "/quadri/amsvs-torino/",
    "/quadri/amsvs-torino/1.2/",
    "/quadri/psm-2024-2026/1/",
    "/territori/",
    "/territori/001191/",
    "/territori/ZO05/",
    "/indicatori/",
    "/indicatori/10AMB017/",
    "/en/indicatori/POP/",
    "/confronti/",
    "/confronti/10AMB017/",
    "/coerenza/",
    "/coerenza/missioni-missioni/",
    "/atlante/",
    "/programma/proposta-2024/",
    "/rapporto/2025/",
    "/dati/",
    "/api/v1/indicators/?limit=20",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

SCRIPT = """
paths = {%s}
counter = 0
throttled = 0
threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
response = function(status, headers, body)
  if status == 429 then throttled = throttled + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local limited = 0
  for _, thread in ipairs(threads) do limited = limited + thread:get("throttled") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, limited))
end
"""


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: int
    throttled: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(base: str, paths: list[str], clients: int, seconds: int, threads: int) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "mix.lua"
        script.write_text(SCRIPT % ", ".join(f'"{p}"' for p in paths))
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    match = re.search(r"RESULT" + r" (\d+)" * 8, completed.stdout)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    requests, micros, p50, p95, p99, status, sockets, limited = (int(g) for g in match.groups())
    return Run(
        requests, micros / 1e6, p50 / 1000, p95 / 1000, p99 / 1000, status, sockets, limited
    )


def static_path(base: str) -> str:
    """The address of the site's own stylesheet, as its home page links it."""
    with urllib.request.urlopen(base + "/", timeout=30) as response:
        page = response.read().decode()
    found = re.search(r'href="(/static/[^"]+\.css)"', page)
    if found is None:
        raise SystemExit("no stylesheet linked from the home page")
    return found.group(1)


def check(base: str, paths: list[str]) -> None:
    """Every page answers 200 before the load starts (and is warmed once)."""
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "base", help="the server's address, on this machine (http://127.0.0.1:8765)"
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    base = options.base.rstrip("/")
    if urlsplit(base).hostname not in LOOPBACK:
        raise SystemExit("this benchmark loads servers on this machine only (127.0.0.1)")
    if not 1 <= options.seconds <= 300 or not 1 <= options.clients <= 500:
        raise SystemExit("--seconds 1-300 and --clients 1-500")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    check(base, PAGES)
    css = static_path(base)
    static = run_wrk(base, [css], options.clients, options.seconds, options.threads)
    pages = run_wrk(base, PAGES, options.clients, options.seconds, options.threads)
    print(
        f"{options.clients} clients, {options.seconds} s each, wrk with {options.threads} threads"
    )
    for label, run in (
        ("static file " + css.rsplit("/", 1)[-1], static),
        (f"{len(PAGES)} pages", pages),
    ):
        print(
            f"{label:40} {run.per_second:9,.0f} req/s  p50 {run.p50_ms:6.1f} ms  "
            f"p95 {run.p95_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms  "
            f"errors {run.bad_status + run.socket_errors}"
        )
    if pages.throttled:
        print(
            f"{pages.throttled:,} of the errors are 429 (the API's limit per address: every "
            "wrk client is 127.0.0.1): start the server with TERRITORI_API_RATE_ANON=1000000/m"
        )
    ratio = pages.per_second / static.per_second if static.per_second else 0.0
    print(f"pages / static throughput: {ratio:.2f}")
    aims = {
        "at least 1/3 of the static throughput": ratio >= 1 / 3,
        "p95 under 150 ms": pages.p95_ms < 150,
        "no errors": pages.bad_status + pages.socket_errors == 0,
    }
    for aim, met in aims.items():
        print(f"  {'met' if met else 'NOT met'}: {aim}")
    sys.exit(0 if all(aims.values()) else 1)


if __name__ == "__main__":
    main()
