"""A node's monitoring block (its indicators with badges and sparklines, its composite index
over time): the same on the node page and on the Mission's infographic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from territori.frameworks.models import Node
from territori.indicators import selectors as ind
from territori.indicators.models import Indicator
from territori.territories import selectors as terr

from .assessments import assessment_badge
from .charts import chart_block, series_chart


@dataclass(frozen=True)
class MonitoredIndicator:
    """A row of the monitoring table: the indicator, the home territory's series and the
    badges of its long- and short-term assessments."""

    indicator: Indicator
    values: list[tuple[int, float]]
    badges: list[dict[str, str]]


def node_monitoring(node: Node) -> dict[str, Any]:
    """A node's indicators with badges and sparklines, and its composite index over time."""
    items = [
        MonitoredIndicator(
            indicator=item.indicator,
            values=item.values,
            badges=[
                assessment_badge(item.long, item.indicator, "long"),
                assessment_badge(item.short, item.indicator, "short"),
            ],
        )
        for item in ind.node_indicators(node=node)
    ]
    composite = ind.node_composite(node=node)
    chart = None
    if composite:
        names = terr.territory_display_names(codes=list(composite))
        rows = [
            {
                "territory": names.get(code, code),
                "code": code,
                "year": year,
                "value": round(value, 2),
            }
            for code, values in composite.items()
            for year, value in values
        ]
        chart = chart_block(
            series_chart(
                rows=rows,
                description=_("Composite index (AMPI) of the indicators of %(code)s over time.")
                % {"code": node.code},
                unit=_("metropolitan city in the base year = 100"),
            ),
            chart_id="chart-composite",
            csv_url=reverse(
                "portal:node_composite_csv",
                kwargs={"framework": node.framework.code, "code": node.code},
            ),
            title=_("Composite index (AMPI)"),
        )
    years = sorted({year for values in composite.values() for year, _v in values})
    table = [(year, [dict(values).get(year) for values in composite.values()]) for year in years]
    return {
        "monitoring": items,
        "composite_chart": chart,
        # the columns are named, never raw codes ("IT | 01 | 201")
        "composite_names": [names.get(code, code) for code in composite] if composite else [],
        "composite_table": table,
        "has_illustrative_indicators": any(i.indicator.is_illustrative for i in items),
    }
