"""The frameworks (agenda, plan, strategies), their trees and their nodes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.core.models import DataStatus
from territori.frameworks import selectors as fw
from territori.frameworks.models import Framework, FrameworkRole, Node
from territori.indicators.scenarios import MILESTONES, mission_scenarios
from territori.io.tabular import write_csv
from territori.participation.models import Roadmap
from territori.presentation.charts import chart_block, scenario_chart
from territori.presentation.maps import comuni_map
from territori.presentation.monitoring import node_monitoring
from territori.territories.models import Territory
from territori.territories.selectors import home_territory
from territori.territories.services import COMUNI_TOPOLOGY


def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/framework_list.html", {"frameworks": fw.framework_list()})


def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        framework = fw.framework_get(code=code)
    except Framework.DoesNotExist as exc:
        raise Http404(_("No such framework")) from exc
    tree = fw.framework_tree(framework=framework)
    return render(request, "portal/framework_detail.html", {"framework": framework, "tree": tree})


def node_detail(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    try:
        node = fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc
    links = fw.node_links(node=node)
    context = {
        "node": node,
        "framework": node.framework,
        "ancestors": fw.node_ancestors(node=node),
        "level_label": node.framework.level_label(node.level),
        "children": list(fw.node_children(node=node)),
        "links": links,
        "has_illustrative": any(item.link.status == DataStatus.ILLUSTRATIVE for item in links),
        "budget": (node.attributes or {}).get("budget_eur"),
        "outputs": (node.attributes or {}).get("outputs", []),
    }
    context |= node_monitoring(node)
    if node.framework.role in (FrameworkRole.AGENDA, FrameworkRole.PLAN):
        context["hub"] = _hub(request, node, context["children"], [item.node for item in links])
    if node.is_mission:
        context["roadmaps"] = list(Roadmap.objects.filter(node=node).order_by("code"))
    return render(request, "portal/node_detail.html", context)


def _hub(
    request: HttpRequest, node: Node, children: list[Node], linked: list[Node]
) -> dict[str, Any]:
    """Where a Mission (or a strategy or axis of the plan) is run: its coherence summary, the
    projects, networks and organisations that carry it, the meetings and contributions about
    it and the programme actions that serve it, each with the address of its full page."""
    from territori.atlas import selectors as atlas_selectors
    from territori.coherence.selectors import node_sheet
    from territori.participation import selectors as participation_selectors
    from territori.programme.selectors import actions_serving
    from territori.publication.selectors import node_news, published_reports

    under = [node.pk, *(child.pk for child in children)]
    sheet = node_sheet(node=node, user=request.user)
    upcoming, past = participation_selectors.meetings_about(node_ids=under, now=timezone.now())
    contributions, contribution_count = participation_selectors.node_contributions(node_ids=under)
    framework, code = node.framework.code, node.code
    places = atlas_selectors.node_places(node=node)
    atlas_filter = "missione" if node.framework.role == FrameworkRole.AGENDA else "asse"
    return {
        "synergies": sheet.contributions[:3],
        "conflicts": sheet.conflicts[:3],
        "scored": bool(sheet.contributions or sheet.conflicts or sheet.neutral),
        "sheet_url": reverse("portal:coherence_sheet", args=[framework, code]),
        "sheet_pdf_url": reverse("portal:coherence_sheet_pdf", args=[framework, code]),
        "atlas": atlas_selectors.node_atlas(node=node),
        "atlas_url": f"{reverse('portal:atlas')}?{urlencode({atlas_filter: code})}",
        "places": places,
        "map": _places_map(node, places) if places else None,
        "upcoming": upcoming,
        "past": past,
        "meetings_url": f"{reverse('participation:meetings')}?{urlencode({'missione': code})}"
        if node.is_mission
        else reverse("participation:meetings"),
        "contributions": contributions,
        "contribution_count": contribution_count,
        "contributions_url": f"{reverse('participation:contributions')}?"
        + urlencode({"tema": f"{framework}:{code}"}),
        "actions": actions_serving(node_ids=[node.pk, *(n.pk for n in linked)]),
        "report": published_reports().order_by("-year").first(),
        "news": node_news(node_ids=under),
    }


def _places_map(node: Node, places: list[Any]) -> dict[str, Any]:
    """The comuni where the node's projects are located and its networks work."""
    both, projects, networks = _("projects and networks"), _("projects"), _("networks")
    return chart_block(
        comuni_map(
            topology_url=reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY}),
            description=_(
                "Comuni where the projects serving %(code)s are located and comuni its "
                "networks cover; the others in grey."
            )
            % {"code": node.code},
            highlight={
                p.code: both if p.projects and p.networks else projects if p.projects else networks
                for p in places
            },
            legend_title=_("What is there"),
            height=360,
        ),
        chart_id="hub-map",
        csv_url=reverse(
            "portal:node_places_csv", kwargs={"framework": node.framework.code, "code": node.code}
        ),
        title=_("Where it is carried out"),
    )


def node_places_csv(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    from territori.atlas.selectors import node_places

    try:
        node = fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc
    rows = [[p.code, p.name, p.projects, p.networks] for p in node_places(node=node)]
    response = HttpResponse(
        write_csv(["codice_comune", "comune", "progetti", "reti"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="luoghi-{framework}-{code}.csv"'
    return response


def node_composite_csv(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    from territori.indicators import selectors as ind

    try:
        node = fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc
    labels = {"ampi": "AMPI-", "minmax": "min-max", "zscore": "z-score"}
    status = ind.node_data_status(node=node)
    rows = [
        [territory, year, value, label, status]
        for method, label in labels.items()
        for territory, values in ind.node_composite(node=node, method=method).items()
        for year, value in values
    ]
    response = HttpResponse(
        write_csv(["territorio", "anno", "valore", "metodo", "stato_dato"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="composito-{framework}-{code}.csv"'
    return response


def _scenario_page(framework: str, code: str, territory_code: str | None) -> Any:
    try:
        node = fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc
    territory = (
        Territory.objects.filter(code=territory_code).first() if territory_code else None
    ) or home_territory()
    if territory is None:
        raise Http404(_("No territory is loaded"))
    return mission_scenarios(node=node, territory=territory)


def node_scenarios(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    """A Mission's scenarios: each indicator's path to 2030 and 2050 under each one, with
    the assumptions written down; a chart, a table and a CSV per indicator."""
    page = _scenario_page(framework, code, request.GET.get("territorio"))
    charts = []
    for item in page.indicators:
        rows = [
            {"year": y, "value": v, "series": _("observed"), "observed": True}
            for y, v in item.observed
        ]
        for series in item.series:
            if series.path and item.observed:
                start = [item.observed[-1]]
                rows += [
                    {"year": y, "value": v, "series": series.scenario.name, "observed": False}
                    for y, v in [*start, *series.path]
                ]
        chart = None
        if item.observed:
            chart = chart_block(
                scenario_chart(
                    rows=rows,
                    description=_(
                        "%(indicator)s: observed values (solid line) and the path under each "
                        "scenario (dashed) to 2050; 2030 and 2050 are marked."
                    )
                    % {"indicator": item.indicator.name},
                    unit=item.indicator.unit,
                    milestones=MILESTONES,
                ),
                chart_id=f"chart-scenario-{item.indicator.pk}",
                csv_url=reverse("portal:node_scenarios_csv", args=[framework, code])
                + f"?territorio={page.territory.code}",
                title=item.indicator.name,
            )
        charts.append((item, chart))
    context = {"page": page, "node": page.node, "charts": charts, "milestones": MILESTONES}
    return render(request, "portal/node_scenarios.html", context)


def node_scenarios_csv(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    page = _scenario_page(framework, code, request.GET.get("territorio"))
    header = ["indicatore", "territorio", "scenario", "anno", "valore", "osservato", "stato_dati"]
    rows: list[list[object]] = []
    for item in page.indicators:
        for year, value in item.observed:
            rows.append(
                [
                    item.indicator.code,
                    page.territory.code,
                    "",
                    year,
                    value,
                    "sì",
                    item.indicator.status,
                ]
            )
        for series in item.series:
            for year, value in series.path:
                rows.append(
                    [
                        item.indicator.code,
                        page.territory.code,
                        series.scenario.code,
                        year,
                        round(value, 6),
                        "no",
                        series.scenario.data_status,
                    ]
                )
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenari-{framework}-{code}.csv"'
    return response
