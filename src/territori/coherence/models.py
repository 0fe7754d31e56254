"""Policy coherence: matrices of framework nodes scored on the seven-point scale (methods.md §8).

A matrix has row nodes and column nodes from any frameworks (square when both are the same
set). Each assessor scores cells (`Score`); the coordinator records the agreed score of a
cell (`AgreedScore`). Every change is in the audit log: that is each cell's history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.frameworks.models import Bilingual, BilingualTitle, Node, pick_language

SCORE_CHOICES = [
    (3, _("+3 indivisible")),
    (2, _("+2 reinforcing")),
    (1, _("+1 enabling")),
    (0, _("0 consistent")),
    (-1, _("−1 constraining")),
    (-2, _("−2 counteracting")),
    (-3, _("−3 cancelling")),
]
SCORE_RANGE = [MinValueValidator(-3), MaxValueValidator(3)]


class Matrix(BilingualTitle, models.Model):
    class Analysis(models.TextChoices):
        EXTERNAL = "external", _("external (with other policies and goals)")
        INTERNAL = "internal", _("internal (within one plan)")

    class Direction(models.TextChoices):
        VERTICAL = "vertical", _("vertical (across levels of government)")
        HORIZONTAL = "horizontal", _("horizontal (across sectors)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("under review")
        PUBLISHED = "published", _("published")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    purpose_it = models.TextField(_("purpose (Italian)"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    analysis = models.CharField(
        _("kind of analysis"), max_length=20, choices=Analysis.choices, default=Analysis.EXTERNAL
    )
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.HORIZONTAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_matrices",
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessors"),
        blank=True,
        related_name="assessed_matrices",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_due = models.DateField(_("review due by"), null=True, blank=True)

    class Meta:
        verbose_name = _("coherence matrix")
        verbose_name_plural = _("coherence matrices")
        ordering = ["-updated_at", "code"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def purpose(self) -> str:
        return pick_language(self.purpose_it, self.purpose_en)

    @property
    def is_illustrative(self) -> bool:
        return self.data_status == DataStatus.ILLUSTRATIVE

    def get_absolute_url(self) -> str:
        return reverse("portal:coherence_matrix", kwargs={"code": self.code})


class Axis(models.TextChoices):
    ROW = "row", _("row")
    COLUMN = "column", _("column")


class MatrixNode(models.Model):
    """A node on the rows or the columns of a matrix, in order."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="axis_nodes")
    node = models.ForeignKey(
        Node, verbose_name=_("node"), on_delete=models.CASCADE, related_name="+"
    )
    axis = models.CharField(_("axis"), max_length=10, choices=Axis.choices)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("matrix row or column")
        verbose_name_plural = _("matrix rows and columns")
        ordering = ["axis", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "axis", "node"], name="matrix_node_unique")
        ]

    def __str__(self) -> str:
        return f"{self.matrix_id} {self.axis} {self.node_id}"


class Confidence(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class CellFields(models.Model):
    """What a cell's score says: shared by assessors' scores and the agreed one."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="+")
    row = models.ForeignKey(Node, verbose_name=_("row"), on_delete=models.CASCADE, related_name="+")
    column = models.ForeignKey(
        Node, verbose_name=_("column"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.SmallIntegerField(_("score"), choices=SCORE_CHOICES, validators=SCORE_RANGE)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Score(CellFields):
    """One assessor's score of one cell, with rationale, conditions, confidence, evidence."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rationale = models.TextField(_("rationale"), blank=True)
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("The context in which the score holds.")
    )
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Links or document references, one per line.")
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "row", "column", "assessor"], name="score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=-3, score__lte=3), name="score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row_id}→{self.column_id}: {self.score:+d}"

    @property
    def evidence_lines(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class AgreedScore(CellFields):
    """The score the coordinator records for a cell after the assessors' discussion."""

    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreed score")
        verbose_name_plural = _("agreed scores")
        constraints = [
            models.UniqueConstraint(fields=["matrix", "row", "column"], name="agreed_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gte=-3, score__lte=3), name="agreed_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row_id}→{self.column_id}: {self.score:+d} (agreed)"


class ScoreDocument(models.Model):
    """A document given as evidence for a score (type checked by content, at most 10 MB)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:coherence_document", kwargs={"pk": self.pk})


class SystemMap(Bilingual, models.Model):
    """A systems map of a Mission: factors and the signed, possibly delayed influences
    between them, drawn as a network with its feedback loops (methods: analytics/loops.py).
    It can be seeded from the agreed scores of a coherence matrix and edited in a lab."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    node = models.ForeignKey(
        Node, verbose_name=_("Mission"), on_delete=models.CASCADE, related_name="+"
    )
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editors (the lab's participants)"),
        blank=True,
        related_name="+",
        help_text=_("Besides the analysts, these accounts may edit the map."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("systems map")
        verbose_name_plural = _("systems maps")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title_it


class Factor(models.Model):
    system = models.ForeignKey(SystemMap, on_delete=models.CASCADE, related_name="factors")
    code = models.SlugField(_("code"), max_length=40)
    label_it = models.CharField(_("label (Italian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    node = models.ForeignKey(
        Node,
        verbose_name=_("stands for the node"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="factor_code_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return pick_language(self.label_it, self.label_en)


class Influence(models.Model):
    """`source` pushes `target` the same way (+1) or the opposite way (−1), with a strength
    (1-3) and a delay in years (0: within the year)."""

    system = models.ForeignKey(SystemMap, on_delete=models.CASCADE, related_name="influences")
    source = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="+")
    sign = models.SmallIntegerField(_("sign"), choices=[(1, "+"), (-1, "−")])
    strength = models.PositiveSmallIntegerField(_("strength"), default=1)
    delay = models.PositiveSmallIntegerField(_("delay (years)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    matrix = models.ForeignKey(
        Matrix,
        verbose_name=_("seeded from the matrix"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("influence")
        verbose_name_plural = _("influences")
        ordering = ["system", "source__code", "target__code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "source", "target"], name="influence_once"),
            models.CheckConstraint(condition=models.Q(sign__in=[1, -1]), name="influence_sign"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=3), name="influence_strength"
            ),
            models.CheckConstraint(condition=models.Q(delay__lte=50), name="influence_delay"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}→{self.target_id}"
