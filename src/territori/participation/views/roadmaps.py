"""Backcasting roadmaps: the page and its PDF, the working group's editing page, versions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from territori.presentation.pdf import pdf_response

from ..forms import MilestoneForm, RoadmapForm
from ..models import Milestone, Roadmap, RoadmapVersion
from ..services import ParticipationError
from ..services.roadmaps import (
    can_edit_roadmap,
    milestone_add,
    milestone_remove,
    roadmap_update,
    version_milestones,
)


def _roadmap(code: str) -> Roadmap:
    return get_object_or_404(Roadmap.objects.select_related("node__framework", "body"), code=code)


def _milestones(roadmap: Roadmap) -> list[Milestone]:
    return list(
        roadmap.milestones.prefetch_related("nodes__framework", "projects", "indicators").order_by(
            "-year", "id"
        )
    )


def _context(request: HttpRequest, roadmap: Roadmap) -> dict[str, object]:
    return {
        "roadmap": roadmap,
        "milestones": _milestones(roadmap),
        "versions": list(roadmap.versions.select_related("saved_by__participant")[:20]),
        "can_edit": can_edit_roadmap(user=request.user, roadmap=roadmap),
    }


def roadmap_detail(request: HttpRequest, code: str) -> HttpResponse:
    """From the desired state back to today: the milestones, latest first."""
    roadmap = _roadmap(code)
    return render(request, "participation/roadmap.html", _context(request, roadmap))


def roadmap_pdf(request: HttpRequest, code: str) -> HttpResponse:
    roadmap = _roadmap(code)
    return pdf_response(
        request,
        "participation/roadmap_print.html",
        _context(request, roadmap),
        f"tabella-di-marcia-{code}-v{roadmap.version}.pdf",
    )


def roadmap_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    roadmap = _roadmap(code)
    version = get_object_or_404(RoadmapVersion, roadmap=roadmap, number=number)
    context = {
        "roadmap": roadmap,
        "version": version,
        "milestones": version_milestones(version=version),
    }
    return render(request, "participation/roadmap_version.html", context)


def roadmap_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The working group edits the desired state and the milestones; each save is a version."""
    roadmap = _roadmap(code)
    if not request.user.is_authenticated:
        return redirect(f"/account/accedi/?next={request.path}")
    if not can_edit_roadmap(user=request.user, roadmap=roadmap):
        raise PermissionDenied
    which = request.POST.get("form", "")
    roadmap_form = RoadmapForm(
        request.POST if which == "roadmap" else None,
        initial={
            "title_it": roadmap.title_it,
            "title_en": roadmap.title_en,
            "vision_it": roadmap.vision_it,
            "vision_en": roadmap.vision_en,
            "horizon": roadmap.horizon,
        },
    )
    milestone_form = MilestoneForm(request.POST if which == "milestone" else None)
    if request.method == "POST":
        try:
            if which == "roadmap" and roadmap_form.is_valid():
                roadmap_update(roadmap=roadmap, actor=request.user, **roadmap_form.cleaned_data)
                messages.success(request, _saved())
                return redirect("participation:roadmap_edit", code=code)
            if which == "milestone" and milestone_form.is_valid():
                milestone_add(roadmap=roadmap, actor=request.user, **milestone_form.cleaned_data)
                messages.success(request, _saved())
                return redirect("participation:roadmap_edit", code=code)
            if which == "remove":
                pk = request.POST.get("milestone", "")
                milestone = Milestone.objects.filter(
                    roadmap=roadmap, pk=int(pk) if pk.isdigit() and len(pk) < 12 else 0
                ).first()
                if milestone is not None:
                    milestone_remove(milestone=milestone, actor=request.user)
                    messages.success(request, _saved())
                return redirect("participation:roadmap_edit", code=code)
        except ParticipationError as exc:
            form = roadmap_form if which == "roadmap" else milestone_form
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    context = _context(request, roadmap)
    context.update({"roadmap_form": roadmap_form, "milestone_form": milestone_form})
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/roadmap_edit.html", context, status=status)


def _saved() -> str:
    from django.utils.translation import gettext as _

    return _("Saved: a new version of the roadmap is recorded.")
