"""The support report's charts (`partner_portal.charts`); each is None where there
is nothing to draw. The report's own tables beside them hold more columns, the ones
its exports carry."""

from django.utils.translation import gettext as _

from partner_portal.charts import Chart, Series

from .reports import Deflections, Satisfaction, SlaRow, Volume


def volume_chart(figures: Volume) -> Chart | None:
    """A stacked bar per week, a colour per category."""
    if not figures.grand_total:
        return None
    return Chart(
        id="support-volume",
        title=_("Tickets opened by week"),
        kind="stacked_bar",
        categories=[week.isoformat() for week in figures.weeks],
        series=[
            Series(name, [figures.counts[week][name] for week in figures.weeks])
            for name in figures.categories
        ],
        category_label=_("Week of"),
    )


def compliance_chart(rows: list[SlaRow]) -> Chart | None:
    """Per priority, the share answered and resolved on time, in per cent; no bar
    for a priority with nothing due yet."""
    if not rows:
        return None
    return Chart(
        id="support-sla",
        title=_("Targets met, per cent"),
        kind="bar",
        categories=[row.label for row in rows],
        series=[
            Series(_("First response"), [row.response_compliance for row in rows]),
            Series(_("Resolution"), [row.resolution_compliance for row in rows]),
        ],
        value_format="percent",
        category_label=_("Priority"),
    )


def satisfaction_chart(figures: Satisfaction) -> Chart | None:
    """How many ratings of each score."""
    if not figures.count:
        return None
    return Chart(
        id="support-satisfaction",
        title=_("Ratings by score"),
        kind="bar",
        categories=[str(score) for score in figures.scores],
        series=[Series(_("Ratings"), list(figures.scores.values()))],
        category_label=_("Rating"),
    )


def deflections_chart(figures: Deflections) -> Chart | None:
    """The subjects typed that most often led to an answer instead of a ticket."""
    if not figures.top_queries:
        return None
    return Chart(
        id="support-deflections",
        title=_("Answers opened, by the subject typed"),
        kind="horizontal_bar",
        categories=[query for query, _count in figures.top_queries],
        series=[
            Series(_("Answers opened"), [count for _q, count in figures.top_queries])
        ],
        category_label=_("Subject typed"),
    )
