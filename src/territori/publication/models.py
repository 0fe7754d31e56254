"""What the Agenda publishes: the monitoring report, site pages and news, and the search index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.frameworks.models import BilingualTitle, Node, pick_language


class Report(BilingualTitle, models.Model):
    """One edition of the "Rapporto di monitoraggio dell'Agenda", built as HTML and PDF."""

    class State(models.TextChoices):
        NEW = "new", _("not built yet")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("built")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("edition (year)"), unique=True)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    introduction_it = models.TextField(_("introduction (Italian, Markdown)"), blank=True)
    introduction_en = models.TextField(_("introduction (English, Markdown)"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    state = models.CharField(_("build state"), max_length=10, choices=State.choices, default="new")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), null=True, blank=True)
    html_it = models.TextField(_("HTML (Italian)"), blank=True)
    html_en = models.TextField(_("HTML (English)"), blank=True)
    pdf_it = models.BinaryField(_("PDF (Italian)"), blank=True, default=b"")
    pdf_en = models.BinaryField(_("PDF (English)"), blank=True, default=b"")
    content_hash = models.CharField(_("content fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def introduction(self) -> str:
        return pick_language(self.introduction_it, self.introduction_en)

    def get_absolute_url(self) -> str:
        return reverse("portal:report", kwargs={"year": self.year})


class ReportFigure(models.Model):
    """A chart or map of a built report, as PNG, named by the SHA-256 of its bytes."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="figures", verbose_name=_("report")
    )
    digest = models.CharField(_("SHA-256"), max_length=64)
    png = models.BinaryField(_("PNG"))

    class Meta:
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [
            models.UniqueConstraint(fields=["report", "digest"], name="report_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.digest[:12]}"


class ReportCommentary(models.Model):
    """An analyst's commentary on one macro-area or Mission in one edition."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="commentaries")
    node = models.ForeignKey(
        Node, verbose_name=_("macro-area or Mission"), on_delete=models.CASCADE
    )
    text_it = models.TextField(_("commentary (Italian, Markdown)"))
    text_en = models.TextField(_("commentary (English, Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report commentary")
        verbose_name_plural = _("report commentaries")
        constraints = [
            models.UniqueConstraint(fields=["report", "node"], name="commentary_one_per_node")
        ]

    def __str__(self) -> str:
        return f"{self.report.year} · {self.node.code}"

    @property
    def text(self) -> str:
        return pick_language(self.text_it, self.text_en)


class Page(BilingualTitle, models.Model):
    """A page or a news post of the Agenda's website section (Markdown, Italian and English)."""

    class Kind(models.TextChoices):
        PAGE = "page", _("page")
        NEWS = "news", _("news")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_it = models.TextField(_("summary (Italian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_it = models.TextField(_("text (Italian, Markdown)"))
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    nodes = models.ManyToManyField(
        Node,
        verbose_name=_("Missions, strategies and actions it is about"),
        blank=True,
        related_name="+",
        help_text=_("The news is shown on these items' pages."),
    )

    class Meta:
        verbose_name = _("site page or news")
        verbose_name_plural = _("site pages and news")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["published", "kind", "-published_at"])]

    def __str__(self) -> str:
        return self.title_it

    @property
    def summary(self) -> str:
        return pick_language(self.summary_it, self.summary_en)

    @property
    def body(self) -> str:
        return pick_language(self.body_it, self.body_en)

    def get_absolute_url(self) -> str:
        return reverse("portal:page", kwargs={"slug": self.slug})


def page_image_path(instance: PageImage, filename: str) -> str:
    return f"pagine/{filename}"


class PageImage(models.Model):
    """An image for pages and news, referenced from Markdown by its URL."""

    image = models.ImageField(_("image"), upload_to=page_image_path)
    alt_it = models.CharField(_("text alternative (Italian)"), max_length=300)
    alt_en = models.CharField(_("text alternative (English)"), max_length=300, blank=True)
    credit = models.CharField(_("credit and licence"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("page image")
        verbose_name_plural = _("page images")

    def __str__(self) -> str:
        return self.alt_it

    @property
    def markdown(self) -> str:
        return f"![{self.alt_it}]({self.image.url})"


class SearchEntry(models.Model):
    """One searchable thing (a node, an indicator, a page...), in one language.

    The full-text index itself is dialect-specific (FTS5 on SQLite, tsvector on PostgreSQL)
    and lives in `search_backends`; this table is the one both read.
    """

    kind = models.CharField(_("type"), max_length=20)
    key = models.CharField(_("key"), max_length=120)
    language = models.CharField(_("language"), max_length=2)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    # What the full-text index reads: lower case, without accents, so "leini" finds "Leinì"
    # on both engines (PostgreSQL's stemmers keep accents).
    title_terms = models.TextField(_("title as indexed"), blank=True)
    body_terms = models.TextField(_("text as indexed"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "language"], name="search_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} ({self.language})"
