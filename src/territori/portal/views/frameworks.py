"""The frameworks (agenda, plan, strategies), their trees and their nodes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from territori.core.models import DataStatus
from territori.frameworks import selectors as fw
from territori.frameworks.models import Framework, Node
from territori.io.tabular import write_csv
from territori.presentation.monitoring import node_monitoring


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
        "children": fw.node_children(node=node),
        "links": links,
        "has_illustrative": any(item.link.status == DataStatus.ILLUSTRATIVE for item in links),
        "budget": (node.attributes or {}).get("budget_eur"),
        "outputs": (node.attributes or {}).get("outputs", []),
    }
    context |= node_monitoring(node)
    return render(request, "portal/node_detail.html", context)


def node_composite_csv(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    from territori.indicators import selectors as ind

    try:
        node = fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc
    labels = {"ampi": "AMPI-", "minmax": "min-max", "zscore": "z-score"}
    rows = [
        [territory, year, value, label]
        for method, label in labels.items()
        for territory, values in ind.node_composite(node=node, method=method).items()
        for year, value in values
    ]
    response = HttpResponse(
        write_csv(["territorio", "anno", "valore", "metodo"], rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="composito-{framework}-{code}.csv"'
    return response
