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


@register.inclusion_tag("participation/_comments.html", takes_context=True)
def comments(context: Any, kind: str, item: Any, heading_level: int = 2) -> dict[str, Any]:
    """The comments about `item` (the page's own object, of the kind named), with the form
    to add one: one query for the thread, one for the consent of a signed-in participant."""
    from ..forms import CommentForm, on_behalf
    from ..models import Comment, Report
    from ..selectors import is_verified_participant
    from ..selectors.comments import (
        NoTarget,
        comment_target,
        comment_thread,
        has_comment_consent,
    )
    from ..selectors.delegations import organisations_of

    request = context["request"]
    user = request.user
    try:
        target = comment_target(kind=kind, pk=item.pk, item=item)
    except NoTarget:
        return {"target": None}
    pk = item.pk
    thread = comment_thread(kind=kind, pk=pk, viewer=user)
    can_comment = not target.closed and is_verified_participant(user=user)
    form = None
    if can_comment:
        form = CommentForm(
            debate=kind == Comment.Target.DEBATE, ask_consent=not has_comment_consent(user=user)
        )
        on_behalf(form, organisations_of(user=user))
    return {
        "request": request,
        "user": user,
        "target": target,
        "kind": kind,
        "pk": pk,
        "thread": thread,
        "form": form,
        "can_comment": can_comment,
        "report_reasons": Report.Reason.choices,
        "heading": f"h{heading_level}",
        "csrf_token": context.get("csrf_token"),
        "debate": kind == Comment.Target.DEBATE,
    }


@register.inclusion_tag("participation/_follow.html", takes_context=True)
def follow_button(context: Any, kind: str, item: Any) -> dict[str, Any]:
    """A button to follow `item` (or stop), or a link to log in to follow it; one query for
    a signed-in visitor."""
    from ..selectors.follows import is_following

    request = context["request"]
    user = request.user
    return {
        "kind": kind,
        "pk": item.pk,
        "user": user,
        "request": request,
        "following": is_following(user=user, kind=kind, pk=item.pk),
        "csrf_token": context.get("csrf_token"),
    }
