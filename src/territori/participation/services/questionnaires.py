"""Questionnaires: validating a response (with skip logic), results, and the export.

A raw response is a mapping from form field names to lists of strings (as a QueryDict
gives them) plus uploaded files. Field names: the question's code, with `__other` for the
"other" text, `__ROW` for matrix rows (row number from 1) and `__ITEM` for ranking items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.core.models import DataStatus

from ..models import (
    Answer,
    ConsentRecord,
    Question,
    Questionnaire,
    QuestionnaireInvitation,
    QuestionnaireResponse,
)
from ..selectors.questionnaires import OTHER, is_shown, respondent_key
from .common import ParticipationError, consent_record
from .contributions import Upload, check_uploads


@dataclass
class Validated:
    values: dict[int, Any] = field(default_factory=dict)  # question id → value
    files: dict[int, tuple[Upload, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name → message


def _one(raw: Mapping[str, Sequence[str]], name: str) -> str:
    values = raw.get(name) or []
    return str(values[0]).strip() if values else ""


def _choice_value(question: Question, raw: Mapping[str, Sequence[str]], out: Validated) -> Any:
    code = question.code
    chosen = [str(v) for v in (raw.get(code) or []) if str(v).strip()]
    allowed = set(question.options) | ({OTHER} if question.allow_other else set())
    unknown = [c for c in chosen if c not in allowed]
    if unknown:
        out.errors[code] = _("“%(value)s” is not one of the options.") % {"value": unknown[0]}
        return None
    if question.kind == Question.Kind.SINGLE and len(chosen) > 1:
        out.errors[code] = _("Choose only one option.")
        return None
    other = _one(raw, f"{code}__other")
    if OTHER in chosen and not other:
        out.errors[f"{code}__other"] = _("Write what “other” means.")
        return None
    if not chosen:
        return None
    value: dict[str, Any] = {"choices": [c for c in chosen if c != OTHER]}
    if OTHER in chosen:
        value["other"] = other[:500]
    return value


def _question_value(
    question: Question,
    raw: Mapping[str, Sequence[str]],
    files: Mapping[str, Upload],
    out: Validated,
) -> Any:
    code = question.code
    kind = question.kind
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        text = _one(raw, code)
        limit = 200 if kind == Question.Kind.SHORT_TEXT else 5000
        if len(text) > limit:
            out.errors[code] = _("At most %(n)d characters.") % {"n": limit}
            return None
        return text or None
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return _choice_value(question, raw, out)
    if kind == Question.Kind.SCALE:
        text = _one(raw, code)
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or number not in question.scale_values:
            out.errors[code] = _("Choose a value from %(low)d to %(high)d.") % {
                "low": question.scale_min,
                "high": question.scale_max,
            }
            return None
        return number
    if kind == Question.Kind.MATRIX:
        value = {}
        for index, _row in enumerate(question.rows, start=1):
            cell = _one(raw, f"{code}__{index}")
            if cell and cell not in question.options:
                out.errors[f"{code}__{index}"] = _("“%(value)s” is not one of the options.") % {
                    "value": cell
                }
                return None
            if cell:
                value[str(index)] = cell
        if value and question.required and len(value) < len(question.rows):
            out.errors[code] = _("Answer every row.")
            return None
        return value or None
    if kind == Question.Kind.RANKING:
        ranks: dict[str, int] = {}
        for index, _item in enumerate(question.options, start=1):
            cell = _one(raw, f"{code}__{index}")
            if cell:
                try:
                    ranks[str(index)] = int(cell)
                except ValueError:
                    out.errors[f"{code}__{index}"] = _("Give a position as a number.")
                    return None
        if not ranks:
            return None
        expected = set(range(1, len(question.options) + 1))
        if set(ranks.values()) != expected or len(ranks) != len(question.options):
            out.errors[code] = _("Give each item a different position from 1 to %(n)d.") % {
                "n": len(question.options)
            }
            return None
        return ranks
    if kind == Question.Kind.FILE:
        upload = files.get(code)
        if upload is None:
            return None
        try:
            [(checked, media_type)] = check_uploads(files=[upload], field=code)
        except ParticipationError as exc:
            out.errors[code] = str(exc)
            return None
        out.files[question.pk] = (checked, media_type)
        return {"file": checked.name}
    raise AssertionError(kind)


def response_validate(
    *,
    questions: Sequence[Question],
    raw: Mapping[str, Sequence[str]],
    files: Mapping[str, Upload] | None = None,
) -> Validated:
    """Values of the questions shown (skip logic in order); hidden questions are ignored."""
    out = Validated()
    shown: set[int] = set()
    for question in questions:
        if not is_shown(question, out.values, shown):
            continue
        shown.add(question.pk)
        value = _question_value(question, raw, files or {}, out)
        if value is None:
            if (
                question.required
                and question.code not in out.errors
                and not any(k.startswith(f"{question.code}__") for k in out.errors)
            ):
                out.errors[question.code] = _("This question is required.")
            continue
        out.values[question.pk] = value
    return out


def response_submit(
    *,
    questionnaire: Questionnaire,
    user: Account,
    validated: Validated,
    now: dt.datetime | None = None,
) -> QuestionnaireResponse:
    if validated.errors:
        raise ParticipationError(_("The response has errors."))
    if not questionnaire.is_open(now):
        raise ParticipationError(_("This questionnaire is closed."))
    response = _response_write(
        questionnaire=questionnaire,
        user=None if questionnaire.anonymous else user,
        key=respondent_key(questionnaire.pk, user.pk),
        validated=validated,
        submitted_at=now or timezone.now(),
    )
    QuestionnaireInvitation.objects.filter(questionnaire=questionnaire, user=user).update(
        responded=True
    )
    return response


def response_record(
    *,
    questionnaire: Questionnaire,
    respondent: str,
    validated: Validated,
    submitted_at: dt.datetime,
    data_status: str = DataStatus.CONFIRMED,
) -> QuestionnaireResponse:
    """A response collected outside the site (on paper at a meeting, with another tool),
    entered under the collector's `respondent` key; anonymous questionnaires only."""
    if validated.errors:
        raise ParticipationError(_("The response has errors."))
    if not questionnaire.anonymous:
        raise ParticipationError(_("Only anonymous questionnaires take responses from outside."))
    if not questionnaire.opens_at <= submitted_at <= questionnaire.closes_at:
        raise ParticipationError(_("The response is dated outside the questionnaire's dates."))
    return _response_write(
        questionnaire=questionnaire,
        user=None,
        key=f"offline-{respondent}",
        validated=validated,
        submitted_at=submitted_at,
        data_status=data_status,
    )


def _response_write(
    *,
    questionnaire: Questionnaire,
    user: Account | None,
    key: str,
    validated: Validated,
    submitted_at: dt.datetime,
    data_status: str = DataStatus.CONFIRMED,
) -> QuestionnaireResponse:
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                questionnaire=questionnaire,
                user=user,
                respondent_key=key,
                submitted_at=submitted_at,
                data_status=data_status,
            )
            answers = []
            for question_id, value in validated.values.items():
                answer = Answer(response=response, question_id=question_id, value=value)
                if question_id in validated.files:
                    upload, media_type = validated.files[question_id]
                    suffix = upload.name.rsplit(".", 1)[-1].lower()
                    answer.original_name = upload.name
                    answer.media_type = media_type
                    answer.file.save(
                        f"{response.pk}-{question_id}.{suffix}",
                        ContentFile(upload.data),
                        save=False,
                    )
                answers.append(answer)
            Answer.objects.bulk_create(answers)
            consent_record(purpose=ConsentRecord.Purpose.QUESTIONNAIRE, user=user)
    except IntegrityError as exc:
        raise ParticipationError(_("You have already answered this questionnaire.")) from exc
    return response


# --- Results and export ------------------------------------------------------------------------
