"""JSON that every reader can parse: NaN and infinities (which `json.dumps` writes as the
invalid tokens NaN / Infinity) become null. Every JSON the site emits goes through here:
the API's renderer, downloads, chart specifications embedded in pages."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def finite(value: Any) -> Any:
    """`value` with every non-finite float (and Decimal) inside it replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    if type(value).__module__ == "numpy":
        return finite(value.item()) if hasattr(value, "item") else value
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps that never writes NaN or Infinity (and knows dates and Decimals)."""
    kwargs.setdefault("cls", DjangoJSONEncoder)
    return json.dumps(finite(value), allow_nan=False, **kwargs)
