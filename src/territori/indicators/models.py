"""The monitoring system: indicators, observations by territory and year, targets, import
batches, and the precomputed assessments, projections and composites that pages read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.core.validators import validate_value, validate_year
from territori.frameworks.models import Node, pick_language
from territori.territories.models import Territory


class Polarity(models.IntegerChoices):
    HIGHER_IS_BETTER = 1, _("higher is better")
    LOWER_IS_BETTER = -1, _("lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum of the comuni")
    WEIGHTED_MEAN = "weighted_mean", _("population-weighted mean")
    RATIO = "ratio", _("recomputed from numerator and denominator")
    NONE = "none", _("not aggregable")


class Category(models.TextChoices):
    STRATEGY = "strategy", _("national strategy indicator")
    PROXY = "proxy", _("local proxy")
    CONTEXT = "context", _("context indicator")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.CONTEXT
    )
    name_it = models.CharField(_("name (Italian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    polarity = models.SmallIntegerField(
        _("polarity"), choices=Polarity.choices, default=Polarity.HIGHER_IS_BETTER
    )
    natural_limit = models.FloatField(
        _("natural limit"),
        null=True,
        blank=True,
        help_text=_("E.g. 100 for a percentage."),
        validators=[validate_value],
    )
    base_year = models.SmallIntegerField(
        _("base year (Open SDG)"),
        null=True,
        blank=True,
        help_text=_(
            "The year Open SDG's progress measure starts from (the first year with data from "
            "it on); empty: 2015."
        ),
        validators=[validate_year],
    )
    polarity_confirmed = models.BooleanField(
        _("polarity confirmed"),
        default=True,
        help_text=_(
            "Off when the polarity was attributed (the source does not give one): pages then "
            "say 'polarity attributed, to be confirmed'."
        ),
    )
    source = models.TextField(_("source"), blank=True)
    edition = models.CharField(
        _("edition"), max_length=200, blank=True, help_text=_("E.g. 'Bes dei territori 2020'.")
    )
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    methodology = models.TextField(_("methodology notes"), blank=True)
    aggregation = models.CharField(
        _("aggregation from the comuni"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.NONE,
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For the ratio rule: value = scale × Σ numerator / Σ denominator."),
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scale = models.FloatField(_("scale"), default=1.0)
    nodes = models.ManyToManyField(
        Node,
        verbose_name=_("framework nodes"),
        blank=True,
        related_name="indicators",
        help_text=_("Missions, PSM strategies, SNSvS choices, SDG goals it monitors."),
    )
    nodes_confirmed = models.BooleanField(
        _("links confirmed"),
        default=True,
        help_text=_(
            "Off while the links to Missions, plans and goals are proposals: pages say "
            "'proposed link' until a person confirms them here."
        ),
    )
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_it}"

    @property
    def name(self) -> str:
        return pick_language(self.name_it, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)

    @property
    def is_illustrative(self) -> bool:
        return self.status == DataStatus.ILLUSTRATIVE

    def get_absolute_url(self) -> str:
        return reverse("portal:indicator", kwargs={"code": self.code})


class RefreshState(models.TextChoices):
    """The recomputation of aggregates and results after an import."""

    PENDING = "pending", _("queued")
    DONE = "done", _("done")
    FAILED = "failed", _("failed: results not updated")


class ImportBatch(models.Model):
    """One uploaded file with who sent it, what it did and its problems (the first 1,000 and
    their count). Applied and previewed files are kept whole; a rejected file is kept whole
    up to REJECTED_KEPT_BYTES, beyond that only its beginning."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("previewed, waiting for confirmation")
        APPLIED = "applied", _("applied")
        REJECTED = "rejected", _("rejected (errors)")
        DISCARDED = "discarded", _("discarded")

    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20)
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=30)
    original = models.BinaryField(_("original file"))
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    rows = models.PositiveIntegerField(_("observations read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("problems found"), default=0)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    original_truncated = models.BooleanField(
        _("only the beginning of the file is kept"), default=False
    )
    refresh_state = models.CharField(
        _("recomputation"), max_length=10, choices=RefreshState.choices, blank=True
    )
    refresh_error = models.TextField(_("why the recomputation failed"), blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    @property
    def problem_count(self) -> int:
        """Every problem found (batches from before the count was kept: those listed)."""
        return self.error_count or len(self.errors)

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename} ({self.get_state_display()})"


class Observation(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.SmallIntegerField(_("year"), validators=[validate_year])
    breakdown = models.CharField(
        _("disaggregation"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Empty for the total; otherwise e.g. 'sex=F|age=0-14' (sorted keys)."),
    )
    value = models.FloatField(_("value"), validators=[validate_value])
    provisional = models.BooleanField(_("provisional"), default=False)
    estimated = models.BooleanField(_("estimated"), default=False)
    break_in_series = models.BooleanField(_("break in series"), default=False)
    coverage = models.FloatField(
        _("population covered"),
        null=True,
        blank=True,
        help_text=_("For values aggregated from comuni: the share of population with data."),
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "territory", "breakdown", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "breakdown", "year"],
                name="observation_unique_cell",
            )
        ]
        # the years and one year's values of an indicator's totals (breakdown ""), which its
        # page reads, whatever the number of breakdowns beside them
        indexes = [
            models.Index(fields=["indicator", "breakdown", "year"], name="observation_ind_brk_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.territory_id} {self.year} = {self.value}"


class Target(models.Model):
    class Kind(models.TextChoices):
        EU = "eu", _("European")
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("regional")
        LOCAL = "local", _("local")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the target holds for every territory."),
    )
    value = models.FloatField(_("value"), validators=[validate_value])
    year = models.SmallIntegerField(_("target year"), validators=[validate_year])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "year", "kind"], name="target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} ({self.year}, {self.kind})"


class Assessment(models.Model):
    """A precomputed trend assessment of one series (total, no disaggregation)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assessments")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    window = models.CharField(max_length=20)
    start_year = models.SmallIntegerField(null=True)
    end_year = models.SmallIntegerField(null=True)
    cagr = models.FloatField(null=True)
    required_cagr = models.FloatField(null=True)
    ratio = models.FloatField(null=True)
    score = models.FloatField(null=True)
    status = models.CharField(max_length=40)
    reason = models.CharField(max_length=200, blank=True)
    # the indicator-level result (window "indicator"): how many series (the total and the
    # breakdowns) it joins, and how many of them could be assessed
    series = models.PositiveIntegerField(null=True)
    series_assessed = models.PositiveIntegerField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "method", "window"], name="assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.territory_id} {self.method}/{self.window}: {self.status}"


class DisparityValue(models.Model):
    """How far apart the units of one level are, for an indicator in a year (methods.md §7)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="disparities")
    level = models.CharField(max_length=20)  # Territory.Kind of the units: comune or zona
    year = models.SmallIntegerField()
    count = models.PositiveIntegerField()
    mean = models.FloatField(null=True)
    weighted_mean = models.FloatField(null=True)
    cv = models.FloatField(null=True)
    weighted_cv = models.FloatField(null=True)
    theil = models.FloatField(null=True)
    max_min_ratio = models.FloatField(null=True)
    population_year = models.SmallIntegerField(null=True)  # weights; null when unweighted
    reference = models.FloatField(null=True)  # the metropolitan city's value
    better = models.PositiveIntegerField(null=True)  # units doing better than the reference

    class Meta:
        verbose_name = _("territorial disparity")
        verbose_name_plural = _("territorial disparities")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level", "year"], name="disparity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level} {self.year}: cv {self.cv}"


class PeerRank(models.Model):
    """A territory's rank among its peers on an indicator, in the year its scorecard scores
    (the latest in which it and at least half of the peers have a value): stored when the
    results are recomputed, so that summaries (the home page's) read a few rows instead of
    ranking every indicator on every request. Peers: the metropolitan cities ("metro"), or
    every province and metropolitan city ("province")."""

    class Peers(models.TextChoices):
        METRO = "metro", _("metropolitan cities")
        PROVINCE = "province", _("provinces and metropolitan cities")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    peers = models.CharField(max_length=10, choices=Peers.choices)
    year = models.SmallIntegerField()
    rank = models.PositiveIntegerField()  # 1 is the best, whatever the polarity
    count = models.PositiveIntegerField()  # peers with a value that year
    tercile = models.PositiveSmallIntegerField()  # 1 top third … 3 bottom third
    position = models.FloatField()  # rank / count, to order ranks across indicators

    class Meta:
        verbose_name = _("rank among peers")
        verbose_name_plural = _("ranks among peers")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "peers"], name="peer_rank_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, count__gte=2, rank__lte=models.F("count")),
                name="peer_rank_within_count",
            ),
        ]
        indexes = [models.Index(fields=["territory", "peers", "position"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.territory_id} {self.peers}: {self.rank}/{self.count}"


class Projection(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="projections")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    year = models.SmallIntegerField()
    value = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    gap_closure = models.FloatField(null=True)
    gap_status = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("projection")
        verbose_name_plural = _("projections")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "method", "year"], name="projection_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.territory_id} {self.method} {self.year}: {self.value}"


class CompositeValue(models.Model):
    """A composite index of a framework node's indicators (e.g. a Mission) by territory and year."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="composite_values")
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="+")
    year = models.SmallIntegerField()
    method = models.CharField(max_length=20)
    value = models.FloatField(null=True)
    indicators = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("composite value")
        verbose_name_plural = _("composite values")
        constraints = [
            models.UniqueConstraint(
                fields=["node", "territory", "year", "method"], name="composite_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.territory_id} {self.year} {self.method}: {self.value}"


class Scenario(models.Model):
    """A named future for a Mission's indicators, with its assumptions written down: the
    trend continued (the projection method of methods.md §5 carried to each year), the
    targets reached (a straight line from the latest value to each target, then held), or
    an alternative (a constant yearly change in the desired direction)."""

    class Kind(models.TextChoices):
        TREND = "trend", _("trend continued")
        TARGET = "target", _("targets reached")
        ALTERNATIVE = "alternative", _("alternative")

    node = models.ForeignKey(
        Node, verbose_name=_("Mission"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    assumptions_it = models.TextField(_("assumptions (Italian)"))
    assumptions_en = models.TextField(_("assumptions (English)"), blank=True)
    method = models.CharField(
        _("projection method"),
        max_length=10,
        choices=[("cagr", _("compound growth")), ("linear", _("linear trend"))],
        default="cagr",
    )
    window = models.PositiveSmallIntegerField(
        _("years of history used"), null=True, blank=True, help_text=_("Empty: all of it.")
    )
    annual_change = models.FloatField(
        _("yearly change in the desired direction (%)"),
        null=True,
        blank=True,
        help_text=_("For an alternative: for example 2 for 2 % a year better."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["node", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_change__isnull=True)
                | models.Q(annual_change__gte=-50, annual_change__lte=50),
                name="scenario_change_range",
            ),
            models.CheckConstraint(
                condition=models.Q(window__isnull=True) | models.Q(window__gte=2),
                name="scenario_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name_it

    @property
    def name(self) -> str:
        return pick_language(self.name_it, self.name_en)

    @property
    def assumptions(self) -> str:
        return pick_language(self.assumptions_it, self.assumptions_en)
