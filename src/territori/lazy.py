"""Heavy libraries imported when first used, not when a module that may use them is.

A web worker loads every module its addresses name, but most requests never touch pandas,
scipy, igraph, shapely, pyproj or pyarrow; importing them lazily keeps each worker's memory
to what its requests use (issue 19). `lazy_module("pandas")` returns the module object at
once and runs its import on the first attribute read. Modules write

    if TYPE_CHECKING:
        import pandas as pd
    else:
        pd = lazy_module("pandas")

so type checkers see the real module.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module `name`, imported on its first use (at once if already imported)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
