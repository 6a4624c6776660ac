"""The support report's charts, drawn on the server as SVG
(`partner_portal.svg_charts`); the page gives each one's exact figures in a table."""

from django.utils.translation import gettext as _

import pygal

from partner_portal.svg_charts import OPTIONS, svg_markup

from .reports import Deflections, Satisfaction, SlaRow, Volume

SIZE = {"width": 760, "height": 300}


def volume_svg(figures: Volume, *, nonce: str) -> str:
    """A stacked bar per week, a colour per category."""
    chart = pygal.StackedBar(
        **OPTIONS,
        **SIZE,
        title=_("Tickets opened by week"),
        legend_at_bottom=True,
        x_label_rotation=-45,
    )
    chart.x_labels = [week.isoformat() for week in figures.weeks]
    for name in figures.categories:
        chart.add(name, [figures.counts[week][name] for week in figures.weeks])
    return svg_markup(chart, nonce=nonce)


def compliance_svg(rows: list[SlaRow], *, nonce: str) -> str:
    """Per priority, the share answered and resolved on time, in per cent."""
    chart = pygal.Bar(
        **OPTIONS,
        **SIZE,
        title=_("Targets met, per cent"),
        legend_at_bottom=True,
        range=(0, 100),
        value_formatter=lambda value: f"{value:.1f}%",
    )
    chart.x_labels = [row.label for row in rows]
    chart.add(
        _("First response"),
        [_value(row.response_compliance) for row in rows],
    )
    chart.add(_("Resolution"), [_value(row.resolution_compliance) for row in rows])
    return svg_markup(chart, nonce=nonce)


def satisfaction_svg(figures: Satisfaction, *, nonce: str) -> str:
    """How many ratings of each score."""
    chart = pygal.Bar(
        **OPTIONS,
        **SIZE,
        title=_("Ratings by score"),
        show_legend=False,
    )
    chart.x_labels = [str(score) for score in figures.scores]
    chart.add(_("Ratings"), list(figures.scores.values()))
    return svg_markup(chart, nonce=nonce)


def deflections_svg(figures: Deflections, *, nonce: str) -> str:
    """The subjects typed that most often led to an answer instead of a ticket."""
    chart = pygal.HorizontalBar(
        **OPTIONS,
        **SIZE,
        title=_("Answers opened, by the subject typed"),
        show_legend=False,
    )
    queries = list(reversed(figures.top_queries))
    chart.x_labels = [_shorten(query) for query, _count in queries]
    chart.add(_("Answers opened"), [count for _query, count in queries])
    return svg_markup(chart, nonce=nonce)


def _value(percent):
    # pygal leaves a gap for None: a priority with nothing due yet.
    return None if percent is None else float(percent)


def _shorten(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
