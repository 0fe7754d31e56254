"""Assessments in words and badges: the same sentence on the indicator page, the Mission page,
the report and the share cards."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from territori.indicators import selectors as ind
from territori.indicators.comparisons import ScoreItem, TrendView
from territori.indicators.models import Assessment, Indicator


def assessment_sentence(assessment: Assessment | None, indicator: Indicator) -> str:
    """A plain-language sentence for a Eurostat assessment."""
    if assessment is None:
        return _("No assessment yet.")
    period = f"{assessment.start_year}–{assessment.end_year}"
    if assessment.status == "not_assessable":
        return _("Not assessable: %(reason)s.") % {"reason": _(assessment.reason or "no data")}
    rate = number_format(round((assessment.cagr or 0) * 100, 1), decimal_pos=1, use_l10n=True)
    moved = (assessment.cagr or 0) * indicator.polarity >= 0
    text = (
        _(
            "In %(period)s the indicator moved in the desired direction by %(rate)s %% a year on average."
        )
        if moved
        else _(
            "In %(period)s the indicator moved away from the desired direction by %(rate)s %% a year on average."
        )
    ) % {"period": period, "rate": rate.lstrip("-")}
    if assessment.status == "target_met":
        return text + " " + _("The target is already met.")
    if assessment.ratio is not None:
        share = number_format(round(assessment.ratio * 100), decimal_pos=0, use_l10n=True)
        return (
            text
            + " "
            + _("That is %(share)s %% of the pace needed to reach the target.") % {"share": share}
        )
    return text


def assessment_badge(
    assessment: Assessment | None, indicator: Indicator, window: str
) -> dict[str, str]:
    css, label = ind.status_label(assessment.status if assessment else "not_assessable")
    return {
        "css": css,
        "label": label,
        "window": _("short term") if window == "short" else _("long term"),
        "sentence": assessment_sentence(assessment, indicator),
    }


METHOD_COLUMNS = (
    ("eurostat", "long"),
    ("eurostat", "short"),
    ("istat", "full"),
    ("istat", "previous"),
    ("istat", "ten_years"),
    ("opensdg", "full"),
)


#: Open SDG's result for the indicator as a whole (its total and breakdowns joined), shown
#: for indicators with breakdowns
INDICATOR_LEVEL = ("opensdg", "indicator")


def method_headers(*, indicator_level: bool = False) -> list[str]:
    level = [_("Open SDG, the indicator with all its breakdowns")] if indicator_level else []
    return [
        _("Eurostat, long term"),
        _("Eurostat, short term"),
        _("ISTAT, whole series"),
        _("ISTAT, on the previous year"),
        _("ISTAT, on ten years before"),
        _("Open SDG score (−5 to +5)"),
        *level,
    ]


def method_cell(assessment: Assessment | None) -> dict[str, str]:
    """One cell of the table of methods: status, period and the figure it rests on."""
    css, label = ind.status_label(assessment.status if assessment else "not_assessable")
    cell = {"css": css, "label": label, "period": "", "figure": ""}
    if assessment is None:
        return cell
    if assessment.window == "indicator" and assessment.series:
        cell["period"] = _("%(assessed)s of %(series)s series assessed") % {
            "assessed": assessment.series_assessed or 0,
            "series": assessment.series,
        }
    if assessment.status == "not_assessable":
        return cell
    if assessment.start_year and assessment.end_year:
        cell["period"] = f"{assessment.start_year}–{assessment.end_year}"
    if assessment.method == "opensdg" and assessment.score is not None:
        cell["figure"] = number_format(round(assessment.score, 2), decimal_pos=2, use_l10n=True)
    elif assessment.cagr is not None:
        rate = number_format(round(assessment.cagr * 100, 2), decimal_pos=2, use_l10n=True)
        cell["figure"] = _("%(rate)s %% a year") % {"rate": rate}
    return cell


def trend_badge(trend: TrendView | None) -> dict[str, str]:
    css, label = ind.status_label(trend.status if trend else "not_assessable")
    return {"css": css, "label": label}


#: The direction each assessment's status says the series moves in (the status already
#: reads the polarity and the sign of negative values).
_TOWARDS = {
    "significant_progress",
    "moderate_progress",
    "insufficient_progress",
    "target_met",
    "strong_improvement",
    "improvement",
    "substantial_progress",
    "limited_progress",
    "target_achieved",
}
_AWAY = {
    "moderate_movement_away",
    "significant_movement_away",
    "movement_away",
    "worsening",
    "strong_worsening",
    "deterioration",
}


def trend_arrow(item: ScoreItem) -> str:
    """↗ when the long-term change goes the desired way, ↘ when it goes the other way, →
    when it hardly moves (under 0.05 % a year); read from the status, which already takes
    the polarity and negative values into account."""
    trend = item.trend
    if trend is None or trend.status == "not_assessable":
        return ""
    if (trend.cagr is not None and abs(trend.cagr) < 0.0005) or trend.status == "stable":
        return "→"
    if trend.status in _TOWARDS:
        return "↗"
    return "↘" if trend.status in _AWAY else ""
