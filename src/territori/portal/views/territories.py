"""Territories: the list, a territory's page with its map and indicators, the comuni table, the maps' TopoJSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag

from territori.atlas import selectors as atlas_selectors
from territori.indicators.selectors import territory_profile
from territori.io.tabular import write_csv
from territori.participation import selectors as participation_selectors
from territori.presentation.charts import chart_block
from territori.territories import selectors as terr
from territori.territories.models import Territory, Topology
from territori.territories.selectors import home_territory_code
from territori.territories.services import COMUNI_TOPOLOGY


def territory_list(request: HttpRequest) -> HttpResponse:
    from territori.indicators import selectors as ind

    zones = list(terr.zones_with_counts())
    rows = terr.comuni_table()
    highlight = {row.code: f"{row.zona.number} {row.zona.name}" for row in rows if row.zona}
    map_chart = chart_block(
        _map_spec(
            description=_("Map of the comuni of the metropolitan city, coloured by zona omogenea."),
            highlight=highlight,
            legend_title=_("Zona omogenea"),
        ),
        chart_id="map-home",
        csv_url=reverse("portal:comuni_csv", kwargs={"code": home_territory_code()}),
        title=_("Comuni by zona omogenea"),
    )
    context = {
        "upper": terr.territories_by_code(codes=ind.reference_codes()),
        "zones": zones,
        "comuni": rows,
        "unassigned": sum(1 for row in rows if row.zona is None),
        "chart": map_chart,
    }
    return render(request, "portal/territory_list.html", context)


def _map_spec(**kwargs: Any) -> dict[str, Any]:
    from territori.presentation.maps import comuni_map

    return comuni_map(
        topology_url=reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY}), **kwargs
    )


def comune_find(request: HttpRequest) -> HttpResponse:
    """ "Il mio comune": the comune's page when the name is one of the home territory's,
    otherwise the site search among territories."""
    name = request.GET.get("nome", "").strip()[:100]
    code = terr.home_comune_named(name=name)
    if code is not None:
        return redirect("portal:territory", code=code)
    return redirect(f"{reverse('portal:search')}?{urlencode({'q': name, 'tipo': 'territory'})}")


#: Indicators per page of a territory's table (a page, never a hidden scroll box).
PROFILE_PAGE = 20


def territory_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        territory = terr.territory_get(code=code)
    except Territory.DoesNotExist as exc:
        raise Http404(_("No such territory")) from exc
    context: dict[str, Any] = {
        "territory": territory,
        "chart": None,
        "members": None,
        "memberships": None,
    }
    csv_url = reverse("portal:comuni_csv", kwargs={"code": territory.code})
    if territory.kind == Territory.Kind.COMUNE:
        memberships = list(terr.member_groups(member=territory))
        context["memberships"] = memberships
        context["zona"] = next(
            (
                m.group
                for m in memberships
                if m.group.kind == Territory.Kind.ZONA and m.is_valid_on(terr.today())
            ),
            None,
        )
        context["chart"] = chart_block(
            _map_spec(
                description=_("Map: %(name)s within the metropolitan city.")
                % {"name": territory.name},
                highlight={territory.code: territory.name},
                legend_title=_("Comune"),
            ),
            chart_id="map-comune",
            csv_url=csv_url,
            title=_("Where it is"),
        )
        context["table"] = terr.comuni_table(codes={territory.code})
    elif territory.kind in (Territory.Kind.ZONA, Territory.Kind.CUSTOM):
        members = list(terr.group_members(group=territory))
        context["members"] = members
        codes = [m.member.code for m in members]
        if codes:
            context["chart"] = chart_block(
                _map_spec(
                    description=_("Map of the %(count)d comuni of %(name)s.")
                    % {"count": len(codes), "name": territory.name},
                    highlight=dict.fromkeys(codes, territory.name),
                    only=None,
                    legend_title=_("Zona omogenea"),
                ),
                chart_id="map-zona",
                csv_url=csv_url,
                title=_("Comuni of the zona"),
            )
            context["table"] = terr.comuni_table(codes=set(codes))
    elif territory.code == home_territory_code():
        rows = terr.comuni_table()
        context["table"] = rows
        context["zones"] = list(terr.zones_with_counts())
        context["chart"] = chart_block(
            _map_spec(
                description=_(
                    "Map of the comuni of the metropolitan city, coloured by zona omogenea."
                ),
                highlight={
                    row.code: f"{row.zona.number} {row.zona.name}" for row in rows if row.zona
                },
                legend_title=_("Zona omogenea"),
            ),
            chart_id="map-home",
            csv_url=csv_url,
            title=_("Comuni by zona omogenea"),
        )
    else:
        context["children_list"] = territory.children.defer("boundary", "search_text").order_by(
            "name"
        )
    if territory.kind in (Territory.Kind.COMUNE, Territory.Kind.ZONA):
        context["here"] = _what_happens_here(territory, context)
    profile = territory_profile(territory=territory, zona=context.get("zona"))
    context["profile_page"] = Paginator(profile, PROFILE_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "portal/territory_detail.html", context)


def _what_happens_here(territory: Territory, context: dict[str, Any]) -> dict[str, Any]:
    """For a comune or a zona: the projects located there and the networks covering it, the
    next meetings nearby (in the comune or about its zona) and the contributions tagged to the
    zona, each with the address of its full list."""
    if territory.kind == Territory.Kind.COMUNE:
        zona = context.get("zona")
        comune_ids, zone_ids = [territory.pk], [zona.pk] if zona else []
        atlas_query = f"?comune={territory.code}"
    else:
        zona = territory
        comune_ids = [m.member_id for m in context["members"] or []]
        zone_ids = [territory.pk]
        atlas_query = f"?zona={territory.code}"
    meetings, past_meetings = participation_selectors.meetings_near(
        comune_ids=comune_ids, zone_ids=zone_ids, now=timezone.now()
    )
    contributions, contribution_count = participation_selectors.zone_contributions(
        zone_ids=zone_ids
    )
    zone_query = f"?zona={zona.code}" if zona else ""
    return {
        "atlas": atlas_selectors.place_atlas(comune_ids=comune_ids),
        "atlas_url": reverse("portal:atlas") + atlas_query,
        "comuni_known": bool(comune_ids),
        "meetings": meetings,
        "past_meetings": past_meetings,
        "meetings_url": reverse("participation:meetings") + zone_query,
        "contributions": contributions,
        "contribution_count": contribution_count,
        "contributions_url": reverse("participation:contributions") + zone_query,
        "zona": zona,
    }


def comuni_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The data behind a territory's map, as CSV (the download beside every map)."""
    try:
        territory = terr.territory_get(code=code)
    except Territory.DoesNotExist as exc:
        raise Http404(_("No such territory")) from exc
    if territory.kind == Territory.Kind.COMUNE:
        rows = terr.comuni_table(codes={territory.code})
    elif territory.kind in (Territory.Kind.ZONA, Territory.Kind.CUSTOM):
        rows = terr.comuni_table(codes={m.member.code for m in terr.group_members(group=territory)})
    else:
        rows = terr.comuni_table()
    body = write_csv(
        ["codice_istat", "comune", "superficie_km2", "zona_omogenea"],
        [
            [r.code, r.name, r.area_km2, f"{r.zona.number} {r.zona.name}" if r.zona else ""]
            for r in rows
        ],
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comuni-{territory.code}.csv"'
    return response


def _topology_etag(request: HttpRequest, key: str) -> str | None:
    return terr.topology_checksum(key=key)


@cache_control(public=True, max_age=3600)
@etag(_topology_etag)
def topology(request: HttpRequest, key: str) -> HttpResponse:
    try:
        item = terr.topology_get(key=key)
    except Topology.DoesNotExist as exc:
        raise Http404(_("No such map")) from exc
    return JsonResponse(item.data, json_dumps_params={"separators": (",", ":")})
