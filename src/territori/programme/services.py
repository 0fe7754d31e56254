"""Loading the programme from its YAML (the layout of reference/proposta-2024.yaml).

Everything is checked before anything is written: each action's total is the sum of its
cost items and of its funders' shares, and the actions add up to the proposal's totals.
Re-loading the same file changes nothing; outputs keep the status and evidence staff set.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from territori.core.audit import AuditBatch
from territori.core.validators import text_problems
from territori.frameworks.models import Node
from territori.io.errors import InputValidationError, RowError
from territori.io.programme import programme_parse

from .models import Action, Output, Programme


def _column_problems(actions: list[dict[str, Any]]) -> list[RowError]:
    """Codes, titles and outputs longer than their columns (or holding a NUL)."""
    errors: list[RowError] = []
    for item in actions:
        errors += text_problems(
            Action, {"code": item["code"], "title": item["title"]}, row=item["row"]
        )
        for output in item["outputs"]:
            errors += text_problems(Output, {"title": output}, row=item["row"], label="outputs.")
    return errors


def programme_load(
    *,
    data: bytes,
    code: str,
    title_it: str,
    title_en: str = "",
    source: str = "",
    channel: str = "import",
) -> tuple[int, int]:
    """Create or update the programme and its actions; returns (created, updated) actions."""
    fields, actions, errors = programme_parse(data)
    errors = (
        text_problems(
            Programme, {"code": code, "title_it": title_it, "title_en": title_en}, row=0, label="--"
        )
        + errors
        + _column_problems(actions)
    )
    if errors:
        raise InputValidationError(errors)
    created = updated = 0
    with transaction.atomic():
        audit = AuditBatch(actor=None, channel=channel)
        programme, made = Programme.objects.get_or_create(
            code=code,
            defaults={"title_it": title_it, "title_en": title_en, "source": source, **fields},
        )
        if made:
            audit.created(programme)
        nodes = {
            n.code: n
            for n in Node.objects.filter(
                framework__code=code, code__in=[a["code"] for a in actions]
            )
        }
        existing = {a.code: a for a in Action.objects.filter(programme=programme)}
        for order, item in enumerate(actions):
            values = {k: v for k, v in item.items() if k not in {"code", "outputs", "row"}}
            values |= {"order": order, "node": nodes.get(item["code"])}
            action = existing.get(item["code"])
            if action is None:
                action = Action.objects.create(programme=programme, code=item["code"], **values)
                audit.created(action)
                created += 1
            elif audit.update_fields(action, values):
                updated += 1
            titles = set(action.outputs.values_list("title", flat=True))
            for position, title in enumerate(item["outputs"]):
                if title not in titles:
                    audit.created(Output.objects.create(action=action, title=title, order=position))
        audit.save()
    return created, updated
