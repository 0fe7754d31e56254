"""The home page and the health check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from territori.core.models import DataStatus
from territori.frameworks import selectors as fw
from territori.territories import selectors as terr

if TYPE_CHECKING:
    from territori.indicators.comparisons import PeerSummary


def home(request: HttpRequest) -> HttpResponse:
    frameworks = list(fw.framework_list())
    site = fw.site_frameworks(frameworks=frameworks)
    mas = fw.agenda_groups(site=site)
    missions = [child for item in mas for child in item.children.all()]
    context = {
        "agenda": site.agenda,
        "plan": site.plan,
        "mas_list": mas,
        "mission_count": len(missions),
        "missions_confirmed": sum(1 for m in missions if m.status == DataStatus.CONFIRMED),
        "frameworks": frameworks,
        "territory_counts": terr.territory_counts(),
        "zones": list(terr.zones_with_counts()),
        "peers": _peer_summary(),
        "news": _whats_new(),
    }
    return render(request, "portal/home.html", context)


def _whats_new() -> dict[str, Any]:
    """The next meetings, the latest report, the latest news and assessments (five queries)."""
    from territori.indicators.selectors import recent_assessments
    from territori.participation.selectors import upcoming_meetings
    from territori.publication.selectors import published_news, published_reports

    return {
        "meetings": upcoming_meetings(now=timezone.now()),
        "report": published_reports().order_by("-year").first(),
        "news": published_news(limit=3),
        "assessments": recent_assessments(),
    }


def _peer_summary() -> PeerSummary | None:
    """The home territory among its peers: its best and worst ranks (stored ranks)."""
    from territori.indicators.comparisons import peer_summary

    home = terr.home_territory()
    return None if home is None else peer_summary(territory=home)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says: the site's icon
    (its address is read per request: the static files' manifest names it)."""
    return redirect(static("territori/img/favicon.svg"), permanent=True)
