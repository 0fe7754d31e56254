"""A web worker imports the heavy libraries only when a request uses them."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("pandas", "scipy.stats", "scipy.sparse", "igraph", "pyproj", "shapely", "pyarrow")

PROBE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module of the site
loaded = [
    name for name in {heavy!r}
    if name in sys.modules and type(sys.modules[name]).__name__ != "_LazyModule"
]
print(",".join(loaded))
"""


def test_loading_every_address_imports_no_heavy_library() -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "territori.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    assert done.stdout.strip() == "", f"imported while loading the addresses: {done.stdout}"


def test_a_lazy_module_loads_on_first_use() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from territori.lazy import lazy_module; m = lazy_module('fractions');"
            "print(type(sys.modules['fractions']).__name__); print(m.Fraction(1, 3) * 3);"
            "print(type(sys.modules['fractions']).__name__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["_LazyModule", "1", "module"]
