"""The atlas: map and lists, network, organisation and project pages, and how the territory
is organised for a Mission."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from territori.atlas import selectors as atlas
from territori.atlas.models import Network, Organisation, Project
from territori.atlas.services import project_update_add
from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.frameworks.selectors import site_frameworks
from territori.io.tabular import write_csv
from territori.lazy import lazy_module
from territori.presentation.charts import chart_block, organisation_network
from territori.presentation.maps import choropleth, comuni_map
from territori.territories.models import Territory
from territori.territories.services import COMUNI_TOPOLOGY

if TYPE_CHECKING:
    import igraph as ig
else:
    ig = lazy_module("igraph")


PROJECT_HEADER = [
    "codice",
    "cup",
    "titolo",
    "origine",
    "stato",
    "finanziamento_totale",
    "impegni",
    "pagamenti",
    "avanzamento",
    "comuni",
]


def _filters(request: HttpRequest) -> atlas.AtlasFilters:
    return atlas.AtlasFilters(
        **{
            key: request.GET.get(param, "")[:20]
            for key, param in (
                ("mission", "missione"),
                ("axis", "asse"),
                ("origin", "origine"),
                ("status", "stato"),
                ("zona", "zona"),
                ("comune", "comune"),
            )
        }
    )


def atlas_home(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = atlas.atlas_by_comune(filters=filters)
    query = request.GET.urlencode()
    data_url = reverse("portal:atlas_comuni_csv") + (f"?{query}" if query else "")
    topology = reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY})
    charts = {
        "funding": chart_block(
            choropleth(
                topology_url=topology,
                values=[
                    {
                        "code": r.territory.code,
                        "name": r.territory.name,
                        "value": round(r.per_inhabitant, 2),
                    }
                    for r in rows
                    if r.per_inhabitant is not None and r.committed
                ],
                description=_(
                    "Funding per inhabitant of the projects in each comune: committed where "
                    "the source reports commitments, else assigned."
                ),
                legend_title=_("euro per inhabitant"),
            ),
            chart_id="chart-funding",
            csv_url=data_url,
            title=_("Funding per inhabitant (committed, else assigned)"),
        ),
        "networks": chart_block(
            choropleth(
                topology_url=topology,
                values=[
                    {"code": r.territory.code, "name": r.territory.name, "value": r.networks}
                    for r in rows
                    if r.networks
                ],
                description=_("Number of networks covering each comune."),
                legend_title=_("networks"),
            ),
            chart_id="chart-networks",
            csv_url=data_url,
            title=_("Networks per comune"),
        ),
    }
    projects = list(atlas.filtered_projects(filters=filters).order_by("-total_funding")[:50])
    networks = list(
        atlas.filtered_networks(filters=filters).select_related("lead").order_by("name")
    )
    illustrative = DataStatus.ILLUSTRATIVE
    context = {
        "illustrative": any(n.status == illustrative for n in networks)
        or any(p.data_status == illustrative for p in projects),
        "filters": filters,
        "charts": charts,
        "rows": [r for r in rows if r.networks or r.projects],
        "projects": projects,
        "project_count": atlas.filtered_projects(filters=filters).count(),
        "networks": networks,
        "options": atlas.atlas_filter_options(),
        "data_url": data_url,
        "projects_url": reverse("portal:atlas_projects_csv") + (f"?{query}" if query else ""),
    }
    return render(request, "portal/atlas.html", context)


def atlas_template(request: HttpRequest) -> HttpResponse:
    from territori.io.atlas import atlas_template_xlsx

    response = HttpResponse(
        atlas_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="modello-atlante.xlsx"'
    return response


def atlas_comuni_csv(request: HttpRequest) -> HttpResponse:
    rows = atlas.atlas_by_comune(filters=_filters(request))
    body = write_csv(
        [
            "comune",
            "codice",
            "reti",
            "progetti",
            "finanziamento_quota",
            "popolazione",
            "finanziamento_per_abitante",
        ],
        [
            [
                r.territory.name,
                r.territory.code,
                r.networks,
                r.projects,
                round(r.committed, 2),
                r.population,
                round(r.per_inhabitant, 2) if r.per_inhabitant is not None else None,
            ]
            for r in rows
        ],
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="atlante-comuni.csv"'
    return response


def atlas_projects_csv(request: HttpRequest) -> HttpResponse:
    projects = (
        atlas.filtered_projects(filters=_filters(request))
        .prefetch_related("places__territory")
        .order_by("code")
    )
    body = write_csv(
        PROJECT_HEADER,
        [
            [
                p.code,
                p.cup,
                p.title,
                p.origin,
                p.status,
                p.total_funding,
                p.commitments,
                p.payments,
                p.progress,
                " ".join(pl.territory.code for pl in p.places.all()),
            ]
            for p in projects
        ],
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="atlante-progetti.csv"'
    return response


def _area_map(
    territories: list[Territory], chart_id: str, title: str, csv_url: str
) -> dict[str, Any]:
    return chart_block(
        comuni_map(
            topology_url=reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY}),
            description=title,
            highlight={t.code: _("covered") for t in territories},
            legend_title="",
        ),
        chart_id=chart_id,
        csv_url=csv_url,
        title=title,
    )


def network_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        network = atlas.network_get(code=code)
    except Network.DoesNotExist as exc:
        raise Http404(_("No such network")) from exc
    areas = [a.territory for a in network.areas.all()]
    csv_url = reverse("portal:network_members_csv", kwargs={"code": code})
    context = {
        "network": network,
        "map": _area_map(areas, "chart-area", _("Comuni the network covers"), csv_url),
        "areas": areas,
        "csv_url": csv_url,
    }
    return render(request, "portal/atlas_network.html", context)


def network_members_csv(request: HttpRequest, code: str) -> HttpResponse:
    network = get_object_or_404(Network, code=code)
    rows: list[list[object]] = [
        ["organizzazione", m.organisation.code, m.role, m.valid_from, m.valid_to]
        for m in network.memberships.select_related("organisation")
    ]
    rows += [
        ["comune", a.territory.code, a.territory.name, a.valid_from, a.valid_to]
        for a in network.areas.select_related("territory")
    ]
    response = HttpResponse(
        write_csv(["tipo", "codice", "ruolo_o_nome", "dal", "al"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{code}.csv"'
    return response


def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        organisation = atlas.organisation_get(code=code)
    except Organisation.DoesNotExist as exc:
        raise Http404(_("No such organisation")) from exc
    from territori.participation.selectors.delegations import organisation_participation

    context = {
        "organisation": organisation,
        "participation": organisation_participation(organisation=organisation),
    }
    return render(request, "portal/atlas_organisation.html", context)


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    milestone = forms.CharField(
        label=gettext_lazy("New milestone (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    milestone_due = forms.DateField(
        label=gettext_lazy("Milestone due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


def _may_update(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm("atlas.add_projectupdate"))


def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        project = atlas.project_get(code=code)
    except Project.DoesNotExist as exc:
        raise Http404(_("No such project")) from exc
    places = [p.territory for p in project.places.all()]
    context = {
        "project": project,
        "map": _area_map(
            places,
            "chart-places",
            _("Where the project happens"),
            reverse("portal:atlas_projects_csv"),
        ),
        "form": UpdateForm() if _may_update(request) else None,
    }
    return render(request, "portal/atlas_project.html", context)


@login_required
@require_POST
def project_update(request: HttpRequest, code: str) -> HttpResponse:
    """Staff add a dated update (and optionally progress and a milestone) to the public log."""
    if not _may_update(request):
        raise PermissionDenied(_("Only staff who follow projects add updates."))
    project = get_object_or_404(Project, code=code)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        context = {"project": atlas.project_get(code=code), "form": form, "map": None}
        return render(request, "portal/atlas_project.html", context, status=400)
    data = form.cleaned_data
    project_update_add(
        project=project,
        text=data["text"],
        actor=request.user,
        progress=data["progress"],
        milestone=data["milestone"],
        milestone_due=data["milestone_due"],
        channel="staff",
    )
    return redirect("portal:atlas_project", code=code)


def _layout(result: atlas.MissionOrganisation) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    m = result.metrics
    if m is None:
        return [], []
    index = {code: i for i, code in enumerate(m.nodes)}
    graph = ig.Graph(n=len(m.nodes), edges=[(index[a], index[b]) for a, b, _w in result.ties])
    ig.set_random_number_generator(random.Random(7))
    try:
        coords = graph.layout_fruchterman_reingold(niter=300).coords
    finally:
        ig.set_random_number_generator(random)
    names = {o.code: o for o in result.organisations}
    nodes = [
        {
            "code": code,
            "name": names[code].name,
            "kind": names[code].get_kind_display(),
            "x": round(coords[i][0], 3),
            "y": round(coords[i][1], 3),
            "community": f"{int(m.community[i]) + 1}",
            "degree": int(m.degree[i]),
        }
        for i, code in enumerate(m.nodes)
    ]
    ties = [
        {
            "x": nodes[index[a]]["x"],
            "y": nodes[index[a]]["y"],
            "x2": nodes[index[b]]["x"],
            "y2": nodes[index[b]]["y"],
            "weight": w,
        }
        for a, b, w in result.ties
    ]
    return nodes, ties


def _agenda_node(code: str) -> Node:
    """A node of the site's agenda (found by role), or 404."""
    agenda = site_frameworks().agenda
    return get_object_or_404(Node.objects.select_related("framework"), framework=agenda, code=code)


def mission_atlas(request: HttpRequest, code: str) -> HttpResponse:
    node = _agenda_node(code)
    result = atlas.mission_organisation(node)
    csv_url = reverse("portal:mission_atlas_csv", kwargs={"code": code})
    nodes, ties = _layout(result)
    charts = {
        "area": _area_map(
            result.covered, "chart-coverage", _("Comuni covered by the Mission's networks"), csv_url
        ),
    }
    if nodes:
        charts["network"] = chart_block(
            organisation_network(
                nodes=nodes,
                ties=ties,
                description=_(
                    "Organisations linked when they share a network of the Mission; colour and shape give the community."
                ),
            ),
            chart_id="chart-organisations",
            csv_url=csv_url,
            title=_("Network of organisations"),
        )
    demo = DataStatus.ILLUSTRATIVE
    context = {
        "illustrative": any(n.status == demo for n in result.networks)
        or any(p.data_status == demo for p in result.projects),
        "node": node,
        "result": result,
        "charts": charts,
        "rows": atlas.metrics_rows(result),
        "csv_url": csv_url,
    }
    return render(request, "portal/atlas_mission.html", context)


def mission_atlas_csv(request: HttpRequest, code: str) -> HttpResponse:
    node = _agenda_node(code)
    result = atlas.mission_organisation(node)
    header = [
        "organizzazione",
        "tipo",
        "legami",
        "legami_pesati",
        "intermediazione",
        "vincolo",
        "dimensione_efficace",
        "comunita",
        "coordinatore_tipo",
        "itinerante_tipo",
        "guardiano_tipo",
        "rappresentante_tipo",
        "collegamento_tipo",
    ]
    body = [
        [
            r["organisation"].code,
            r["organisation"].kind,
            r["degree"],
            r["weighted_degree"],
            round(r["betweenness"], 6),
            r["constraint"],
            round(r["effective_size"], 4),
            r["community"],
            *(
                r["kind_roles"][role]
                for role in ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
            ),
        ]
        for r in atlas.metrics_rows(result)
    ]
    response = HttpResponse(write_csv(header, body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="missione-{code}-organizzazioni.csv"'
    return response
