"""One colour per territory on every chart: the home territory, its region and Italy keep
theirs, any other territory gets one from its code; composite axes are not forced to zero and
targets are labelled."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from territori.presentation.charts import (
    HOME_SERIES_COLOUR,
    ITALY_COLOUR,
    REGION_COLOUR,
    series_chart,
    territory_colours,
)


def _rows(*places: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"territory": name, "code": code, "year": year, "value": 98 + year % 13}
        for name, code in places
        for year in (2015, 2020)
    ]


def _colours(spec: dict[str, Any]) -> dict[str, str]:
    scale = spec["layer"][-1]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


@override_settings(TERRITORI_HOME_TERRITORY="201")
def test_a_territory_keeps_its_colour_whatever_else_the_chart_shows() -> None:
    one = _colours(
        series_chart(
            rows=_rows(("Genova", "210"), ("Torino", "201"), ("Italia", "IT")),
            description="",
            unit="",
        )
    )
    two = _colours(
        series_chart(
            rows=_rows(("Italia", "IT"), ("Piemonte", "01"), ("Milano", "215"), ("Genova", "210")),
            description="",
            unit="",
        )
    )
    assert one["Torino"] == HOME_SERIES_COLOUR and one["Italia"] == two["Italia"] == ITALY_COLOUR
    assert two["Piemonte"] == REGION_COLOUR
    assert one["Genova"] == two["Genova"] not in {HOME_SERIES_COLOUR, ITALY_COLOUR, REGION_COLOUR}
    assert len(set(two.values())) == 4  # never two territories of one chart in one colour


@override_settings(TERRITORI_HOME_TERRITORY="210")
def test_the_home_colour_follows_the_site_s_city_and_codes_never_collide() -> None:
    assert territory_colours(["210", "201"])[0] == HOME_SERIES_COLOUR
    many = territory_colours([f"0010{n:02d}" for n in range(7)])
    assert len(set(many)) == 7  # as many colours as the palette has


def test_the_axis_is_not_forced_to_zero_and_targets_are_labelled() -> None:
    spec = series_chart(
        rows=_rows(("Torino", "201")),
        description="",
        unit="",
        targets=[{"year": 2030, "value": 111, "label": "Obiettivo 2030"}],
    )
    lines = next(layer for layer in spec["layer"] if layer["mark"].get("type") == "line")
    assert lines["encoding"]["y"]["scale"]["zero"] is False
    labels = [layer for layer in spec["layer"] if layer["mark"].get("type") == "text"]
    assert labels and labels[0]["encoding"]["text"]["field"] == "label"
    legend = spec["layer"][-3]["encoding"]["color"]["legend"]
    assert legend["symbolType"] == "stroke"  # the legend shows the line's colour


def test_the_trend_arrow_reads_the_status_not_the_sign_of_the_growth() -> None:
    from types import SimpleNamespace

    from territori.indicators.comparisons import TrendView
    from territori.presentation.assessments import trend_arrow

    def arrow(status: str, cagr: float | None) -> str:
        return trend_arrow(SimpleNamespace(trend=TrendView(status, cagr, 2015, 2020)))  # type: ignore[arg-type]

    # -10 → -8 where higher is better: the growth rate is negative, the series improves
    assert arrow("significant_progress", -0.044) == "↗"
    assert arrow("significant_movement_away", 0.03) == "↘"
    assert arrow("moderate_progress", 0.0001) == "→"
    assert arrow("not_assessable", None) == ""
