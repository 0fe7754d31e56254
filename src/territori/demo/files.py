"""The demo's data files (demo/data/), each saying in its header or its name whether it is
real (with source and licence) or illustrative."""

from __future__ import annotations

from importlib import resources


def demo_file(*, name: str) -> bytes:
    return (resources.files("territori.demo") / "data" / name).read_bytes()
