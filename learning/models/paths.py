"""Learning paths: an ordered list of courses for one partner role (and tier)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from partner_portal.partners.models import Role


class LearningPathQuerySet(models.QuerySet):
    def for_member(self, *, role: str, tier_id: int):
        """Paths for a partner user with this role whose partner is at this tier."""
        return self.filter(role=role).filter(
            models.Q(tier__isnull=True) | models.Q(tier_id=tier_id)
        )


class LearningPath(ClusterableModel):
    """A snippet editors keep: which courses, in which order, a role should take.

    The path itself carries no access level: each course keeps its own, and a
    learner is only ever shown the courses the access rule lets them see.
    """

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        help_text=_("Partner users with this role see the path."),
    )
    tier = models.ForeignKey(
        "partners.Tier",
        verbose_name=_("tier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Shown only to users whose partner is at this tier. "
            "Leave empty to show it at every tier."
        ),
    )

    objects = LearningPathQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("role"), FieldPanel("tier")], heading=_("Who sees it")
        ),
        InlinePanel("steps", label=_("Courses"), min_num=1),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self):
        return self.name


class LearningPathStep(Orderable):
    """One course of a path, at its place in the editors' order (`sort_order`).

    The admin's form numbers the steps as the editor arranged them; a step saved
    without a place (a path built in code, the demo's) goes after the path's others.
    Orderable's own field may be empty, and steps that all had none came back in
    whatever order the database read its rows.
    """

    sort_order = models.PositiveIntegerField(_("position"), editable=False)
    path = ParentalKey(
        LearningPath,
        verbose_name=_("learning path"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("course in a learning path")
        verbose_name_plural = _("courses in a learning path")

    def __str__(self):
        return f"{self.path}: {self.course}"

    def save(self, *args, **kwargs):
        if self.sort_order is None:
            last = LearningPathStep.objects.filter(path_id=self.path_id).aggregate(
                last=models.Max("sort_order")
            )["last"]
            self.sort_order = 0 if last is None else last + 1
        super().save(*args, **kwargs)
