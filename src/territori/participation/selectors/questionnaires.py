"""Questionnaires: skip logic, whether a person has answered, results and the export table."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnaireInvitation,
    QuestionnaireResponse,
)

OTHER = "__other__"


NOT_SHOWN = "n/a"


def is_shown(question: Question, values: Mapping[int, Any], shown: set[int]) -> bool:
    """Shown when it has no condition, or its condition's question is shown and answered
    with one of the listed values (any of them, for multiple choice)."""
    if question.show_if_question_id is None:
        return True
    if question.show_if_question_id not in shown:
        return False
    answer = values.get(question.show_if_question_id)
    wanted = {str(v) for v in question.show_if_values}
    if isinstance(answer, dict):  # single/multiple choice with "other"
        answer = answer.get("choices")
    if isinstance(answer, list):
        return bool(wanted & {str(a) for a in answer})
    return answer is not None and str(answer) in wanted


def already_answered(*, questionnaire: Questionnaire, user: Account) -> bool:
    key = respondent_key(questionnaire.pk, user.pk)
    return QuestionnaireResponse.objects.filter(
        questionnaire=questionnaire, respondent_key=key
    ).exists()


@dataclass
class QuestionResult:
    question: Question
    shown_to: int  # responses in which the question was shown (answered or not)
    answered: int
    counts: list[tuple[str, int]] = field(default_factory=list)  # option → count
    matrix: list[tuple[str, list[int]]] = field(default_factory=list)  # row → counts per option
    mean: float | None = None  # scale and ranking (mean position per item in `counts`)
    mean_ranks: list[tuple[str, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _responses_values(
    questionnaire: Questionnaire,
) -> tuple[list[Question], list[tuple[QuestionnaireResponse, dict[int, Any]]]]:
    questions = list(questionnaire.questions.all())
    responses = list(questionnaire.responses.all())
    by_response: dict[int, dict[int, Any]] = {r.pk: {} for r in responses}
    for answer in Answer.objects.filter(response__questionnaire=questionnaire).only(
        "response_id", "question_id", "value"
    ):
        by_response[answer.response_id][answer.question_id] = answer.value
    return questions, [(r, by_response[r.pk]) for r in responses]


def _shown_set(questions: Sequence[Question], values: Mapping[int, Any]) -> set[int]:
    shown: set[int] = set()
    for question in questions:
        if is_shown(question, values, shown):
            shown.add(question.pk)
    return shown


def questionnaire_results(*, questionnaire: Questionnaire) -> list[QuestionResult]:
    questions, rows = _responses_values(questionnaire)
    results = []
    for question in questions:
        shown_to = 0
        values = []
        for _response, answers in rows:
            if question.pk in _shown_set(questions, answers):
                shown_to += 1
                if question.pk in answers:
                    values.append(answers[question.pk])
        result = QuestionResult(question=question, shown_to=shown_to, answered=len(values))
        kind = question.kind
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            counter: Counter[str] = Counter()
            for value in values:
                counter.update(value.get("choices", []))
                if "other" in value:
                    counter[OTHER] += 1
                    result.texts.append(value["other"])
            result.counts = [(o, counter[o]) for o in question.options]
            if question.allow_other:
                result.counts.append((_("other"), counter[OTHER]))
        elif kind == Question.Kind.SCALE:
            scale_counts = Counter(int(v) for v in values)
            result.counts = [(str(v), scale_counts[v]) for v in question.scale_values]
            result.mean = sum(values) / len(values) if values else None
        elif kind == Question.Kind.MATRIX:
            for index, row in enumerate(question.rows, start=1):
                counter = Counter(v.get(str(index)) for v in values)
                result.matrix.append((row, [counter[o] for o in question.options]))
        elif kind == Question.Kind.RANKING:
            for index, item in enumerate(question.options, start=1):
                ranks = [v[str(index)] for v in values if str(index) in v]
                mean = sum(ranks) / len(ranks) if ranks else float("nan")
                result.mean_ranks.append((item, mean))
            result.mean_ranks.sort(key=lambda pair: pair[1])
        elif kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            result.texts = [str(v) for v in values]
        results.append(result)
    return results


def export_table(*, questionnaire: Questionnaire) -> tuple[list[str], list[list[object]]]:
    """One row per response; one column per question, or per option, matrix row, ranking item.

    Cells: 1/0 for options, the value otherwise; empty when the question was shown and not
    answered; "n/a" when skip logic did not show the question.
    """
    questions, rows = _responses_values(questionnaire)
    header: list[str] = ["risposta", "inviata"]
    for q in questions:
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            header += [f"{q.code}: {o}" for o in q.options]
            if q.allow_other:
                header += [f"{q.code}: altro", f"{q.code}: altro (testo)"]
        elif q.kind == Question.Kind.MATRIX:
            header += [f"{q.code}: {r}" for r in q.rows]
        elif q.kind == Question.Kind.RANKING:
            header += [f"{q.code}: {o} (posizione)" for o in q.options]
        else:
            header.append(q.code)
    table: list[list[object]] = []
    for number, (response, answers) in enumerate(rows, start=1):
        shown = _shown_set(questions, answers)
        line: list[object] = [
            number,
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for q in questions:
            width = _width(q)
            if q.pk not in shown:
                line += [NOT_SHOWN] * width
                continue
            value = answers.get(q.pk)
            if value is None:
                line += [""] * width
                continue
            if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                chosen = set(value.get("choices", []))
                line += [1 if o in chosen else 0 for o in q.options]
                if q.allow_other:
                    line += [1 if "other" in value else 0, value.get("other", "")]
            elif q.kind == Question.Kind.MATRIX:
                line += [value.get(str(i), "") for i in range(1, len(q.rows) + 1)]
            elif q.kind == Question.Kind.RANKING:
                line += [value.get(str(i), "") for i in range(1, len(q.options) + 1)]
            elif q.kind == Question.Kind.FILE:
                line.append(value.get("file", ""))
            else:
                line.append(value)
        table.append(line)
    return header, table


def _width(q: Question) -> int:
    if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return len(q.options) + (2 if q.allow_other else 0)
    if q.kind == Question.Kind.MATRIX:
        return len(q.rows)
    if q.kind == Question.Kind.RANKING:
        return len(q.options)
    return 1


def respondent_key(questionnaire_id: int, user_id: int) -> str:
    """HMAC of the account for this questionnaire: one response each, no way back to the user."""
    message = f"questionnaire:{questionnaire_id}:user:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class InvitationStats:
    invited: int
    responded: int
    reminded: int

    @property
    def rate(self) -> float | None:
        """The share of the invited who answered (%)."""
        return 100 * self.responded / self.invited if self.invited else None


def invitation_stats(*, questionnaire: Questionnaire) -> InvitationStats:
    counts = QuestionnaireInvitation.objects.filter(questionnaire=questionnaire).aggregate(
        invited=Count("pk"),
        responded=Count("pk", filter=Q(responded=True)),
        reminded=Count("pk", filter=Q(reminders__gt=0)),
    )
    return InvitationStats(**counts)
