"""Questionnaires: answering (with skip logic), results and their export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from territori.presentation.charts import bar_chart_counts, chart_block
from territori.presentation.downloads import table_response

from .. import selectors
from ..consent import consent_text
from ..decorators import rate_limit
from ..models import (
    ConsentRecord,
    Questionnaire,
)
from ..services import (
    ParticipationError,
    Upload,
)
from ..services import questionnaires as qs
from ..services.invitations import invitations_stop


def _questionnaire(code: str) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.prefetch_related("questions"), code=code)


@rate_limit("questionnaire", limit=20, period=3600, per_user=True)
def questionnaire_answer(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    questions = list(questionnaire.questions.all())
    answered = request.user.is_authenticated and selectors.already_answered(
        questionnaire=questionnaire, user=request.user
    )
    validated = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('participation:login')}?next={request.path}")
        files = {
            name: Upload(f.name or "", f.read())
            for name in request.FILES
            if (f := request.FILES.get(name)) is not None
        }
        raw = {key: request.POST.getlist(key) for key in request.POST}
        validated = qs.response_validate(questions=questions, raw=raw, files=files)
        if not request.POST.get("consent"):
            validated.errors["consent"] = _("Agree to the terms to send your answers.")
        if not validated.errors:
            try:
                qs.response_submit(
                    questionnaire=questionnaire, user=request.user, validated=validated
                )
            except ParticipationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Thank you: your answers have been recorded."))
                if questionnaire.results_public:
                    return redirect("participation:questionnaire_results", code=code)
                return redirect("participation:questionnaire", code=code)
    context = {
        "questionnaire": questionnaire,
        "questions": questions,
        "answered": answered,
        "open": questionnaire.is_open(),
        "errors": validated.errors if validated else {},
        "posted": request.POST,
        "consent_text": consent_text(ConsentRecord.Purpose.QUESTIONNAIRE),
    }
    status = 400 if validated and validated.errors else 200
    return render(request, "participation/questionnaire.html", context, status=status)


def _results_visible(request: HttpRequest, questionnaire: Questionnaire) -> None:
    if not questionnaire.results_public and not request.user.has_perm(
        "participation.view_questionnaireresponse"
    ):
        raise PermissionDenied(_("The results of this questionnaire are not public."))


def questionnaire_results(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    _results_visible(request, questionnaire)
    results = selectors.questionnaire_results(questionnaire=questionnaire)
    charts = {}
    for result in results:
        if result.counts:
            charts[result.question.pk] = chart_block(
                bar_chart_counts(
                    rows=[{"label": label, "count": n} for label, n in result.counts],
                    description=_("Answers to the question: %(q)s") % {"q": result.question.text},
                    x_title=_("Responses"),
                ),
                chart_id=f"chart-q{result.question.pk}",
                csv_url=reverse("participation:questionnaire_export", args=[code, "csv"]),
                title=result.question.text,
            )
    context = {
        "questionnaire": questionnaire,
        "results": [(r, charts.get(r.question.pk)) for r in results],
        "responses": questionnaire.responses.count(),
    }
    return render(request, "participation/questionnaire_results.html", context)


def questionnaire_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    _results_visible(request, questionnaire)
    header, rows = selectors.export_table(questionnaire=questionnaire)
    return table_response(header, rows, name=code, fmt=fmt, sheet="risposte")


def invitations_stop_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST stops the invitations (also the mail client's one-click)."""
    if request.method == "POST":
        try:
            invitations_stop(token=token)
        except ParticipationError as exc:
            return render(
                request,
                "participation/message.html",
                {"title": _("Invitations to questionnaires"), "text": str(exc)},
                status=400,
            )
        text = _("You will receive no more invitations to questionnaires.")
        return render(
            request,
            "participation/message.html",
            {"title": _("Invitations to questionnaires"), "text": text},
        )
    return render(request, "participation/invitations_stop.html", {"token": token})


# One-click unsubscribe (RFC 8058) comes from mail providers without a CSRF token.
invitations_stop_view.csrf_exempt = True  # type: ignore[attr-defined]
