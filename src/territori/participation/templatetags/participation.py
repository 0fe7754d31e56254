"""Template helpers for the questionnaire form: values posted back after an error."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def getlist(data: Any, key: str) -> list[str]:
    return list(data.getlist(key)) if hasattr(data, "getlist") else []


@register.filter
def getfirst(data: Any, key: str) -> str:
    return str(data.get(key, "")) if hasattr(data, "get") else ""


@register.filter
def question_anchor(name: str) -> str:
    """The question's code from a field name (`code__other`, `code__3`)."""
    return str(name).split("__", 1)[0]


@register.simple_tag
def cell_value(data: Any, code: str, index: int) -> str:
    """The posted value of a matrix row or ranking item (`code__index`)."""
    return getfirst(data, f"{code}__{index}")
