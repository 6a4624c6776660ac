"""Periodic partner surveys: Net Promoter Score and why, with optional questions.

Staff write a survey and send it to the partner users of chosen tiers and regions;
each user gets a `SurveyInvitation` (their home page shows it until they answer) and
answers once. The NPS of any group of answers is the share of promoters (9 to 10) minus
the share of detractors (0 to 6), in percent points.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from partner_portal.partners.models import Region, RegionField


def _in_language(english: str, chinese: str) -> str:
    """The Chinese text on Chinese pages when there is one, else the English."""
    return chinese if chinese and get_language() == "zh-hans" else english


class Survey(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_zh = models.TextField(_("Chinese introduction"), blank=True)
    tiers = models.ManyToManyField(
        "partners.Tier",
        verbose_name=_("tiers"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to ask partners of every tier."),
    )
    regions = models.JSONField(
        _("regions"),
        default=list,
        blank=True,
        help_text=_("Leave empty to ask partners in every region."),
    )
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        permissions = [("send_survey", _("Can send a survey to partner users"))]

    def __str__(self):
        return self.title

    @property
    def title_in_language(self) -> str:
        return _in_language(self.title, self.title_zh)

    @property
    def introduction_in_language(self) -> str:
        return _in_language(self.introduction, self.introduction_zh)

    @property
    def tiers_named(self) -> str:
        """The survey's tiers by name, lowest first; "every tier" when none."""
        names = [str(tier) for tier in self.tiers.order_by("rank")]
        return ", ".join(names) or str(_("every tier"))

    @property
    def regions_named(self) -> str:
        """The survey's regions by name; "every region" when none."""
        names = [str(region) for region in Region.objects.filter(code__in=self.regions)]
        return ", ".join(names) or str(_("every region"))

    def is_closed(self, today) -> bool:
        """Closed after its closing day; open until then, or forever without one."""
        return self.closes_on is not None and self.closes_on < today

    def clean(self):
        super().clean()
        known = Region.objects.filter(code__in=self.regions).values_list(
            "code", flat=True
        )
        unknown = set(self.regions) - set(known)
        if unknown:
            raise ValidationError({"regions": _("Choose regions from the list.")})


class SurveyQuestion(models.Model):
    """An optional question after the score: free text."""

    survey = ParentalKey(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.CharField(_("question"), max_length=300)
    text_zh = models.CharField(_("Chinese question"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The admin's inline lets staff drag the questions into their order.
    sort_order_field = "sort_order"

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text

    @property
    def text_in_language(self) -> str:
        return _in_language(self.text, self.text_zh)


class SurveyInvitationQuerySet(models.QuerySet):
    def to_answer(self, today):
        """Not answered yet, of surveys still open on `today` (`Survey.is_closed`)."""
        return self.filter(answered_at__isnull=True).filter(
            Q(survey__closes_on__isnull=True) | Q(survey__closes_on__gte=today)
        )


class SurveyInvitation(models.Model):
    """One partner user asked to answer one survey."""

    survey = models.ForeignKey(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    # The user's partner, tier and region when asked: results group by these.
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    tier = models.ForeignKey(
        "partners.Tier",
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = RegionField()
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("likelihood to recommend"), null=True)
    reason = models.TextField(_("why"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], name="survey_invitation_once"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="survey_score_zero_to_ten",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, score__isnull=True)
                | Q(answered_at__isnull=False, score__isnull=False),
                name="survey_answer_has_score",
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.user}"
