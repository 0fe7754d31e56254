from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from territori.core.admin import AuditedAdmin

from .models import (
    AgendaItem,
    Body,
    BodyDocument,
    BodyMember,
    Comment,
    ConsentRecord,
    ContactPoint,
    Contribution,
    ContributionAttachment,
    Debate,
    Delegation,
    ExternalIdentity,
    Meeting,
    MeetingDocument,
    NewsletterBlock,
    NewsletterIssue,
    Participant,
    Prioritisation,
    PriorityOption,
    Process,
    ProcessPhase,
    Question,
    Questionnaire,
    Registration,
    Report,
    Roadmap,
    Subscriber,
)
from .services import ParticipationError, Upload, check_uploads


class CheckedFileForm(forms.ModelForm[Any]):
    """Uploads from the back office are checked like the public ones (type by content, size,
    name); the name, type and size are recorded from the file itself."""

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "read"):
            return uploaded
        data = uploaded.read()
        uploaded.seek(0)
        try:
            [(checked, media_type)] = check_uploads(
                files=[Upload(uploaded.name or "", data)], field="file"
            )
        except ParticipationError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.instance.original_name = checked.name
        self.instance.media_type = media_type
        self.instance.size = len(data)
        return uploaded


class PhaseInline(admin.StackedInline[ProcessPhase, Any]):
    model = ProcessPhase
    extra = 0


@admin.register(Process)
class ProcessAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "status", "data_status"]
    list_filter = ["status", "data_status"]
    search_fields = ["code", "title_it", "title_en"]
    autocomplete_fields = ["nodes", "zones"]
    inlines = [PhaseInline]


class BodyMemberInline(admin.TabularInline[BodyMember, Any]):
    model = BodyMember
    extra = 0
    autocomplete_fields = ["organisation", "delegates"]


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    list_display = ["code", "name_it", "kind", "data_status"]
    search_fields = ["code", "name_it"]
    autocomplete_fields = ["nodes"]
    inlines = [BodyMemberInline]


@admin.register(BodyDocument)
class BodyDocumentAdmin(AuditedAdmin):
    form = CheckedFileForm
    list_display = ["title", "body", "original_name", "uploaded_at"]
    readonly_fields = ["original_name", "media_type", "size"]


class AgendaInline(admin.TabularInline[AgendaItem, Any]):
    model = AgendaItem
    extra = 0


class MeetingDocumentInline(admin.TabularInline[MeetingDocument, Any]):
    model = MeetingDocument
    form = CheckedFileForm
    extra = 0
    readonly_fields = ["original_name", "media_type", "size"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "kind", "starts_at", "capacity", "cancelled", "data_status"]
    list_filter = ["kind", "cancelled", "data_status", "process"]
    search_fields = ["code", "title_it"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["nodes", "zone", "comune", "attending_organisations"]
    inlines = [AgendaInline, MeetingDocumentInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A meeting added here is announced to the followers of its process, Missions and
        zone (once its Missions are saved)."""
        super().save_related(request, form, formsets, change)
        if not change:
            from .services.follows import meeting_announce

            meeting_announce(meeting=form.instance)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ["meeting", "code", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "meeting"]
    search_fields = ["code", "user__email"]
    list_select_related = ["meeting"]
    raw_id_fields = ["user"]


class AttachmentInline(admin.TabularInline[ContributionAttachment, Any]):
    model = ContributionAttachment
    extra = 0
    readonly_fields = ["original_name", "media_type", "size"]
    fields = ["original_name", "media_type", "size"]


@admin.register(Contribution)
class ContributionAdmin(AuditedAdmin):
    list_display = [
        "title",
        "process",
        "kind",
        "status",
        "support_count",
        "hidden_at",
        "created_at",
    ]
    list_filter = ["status", "kind", "process", "data_status"]
    search_fields = ["title", "body"]
    readonly_fields = ["author", "support_count", "created_at"]
    autocomplete_fields = ["nodes", "zone"]
    inlines = [AttachmentInline]


@admin.register(Debate)
class DebateAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "process", "phase", "opened_at", "closed_at", "data_status"]
    list_filter = ["process", "data_status"]
    search_fields = ["code", "title_it", "title_en"]
    autocomplete_fields = ["nodes"]
    readonly_fields = ["closed_at", "moderator"]


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin):
    """Requests are decided on the staff page; here every delegation can be read."""

    list_display = ["organisation", "organisation_name", "user", "email", "role", "status"]
    list_filter = ["status", "role"]
    search_fields = ["organisation__name", "organisation_name", "email"]
    raw_id_fields = ["organisation", "user", "invited_by", "decided_by", "body"]
    readonly_fields = ["token", "created_at", "decided_at"]


@admin.register(Comment)
class CommentAdmin(AuditedAdmin):
    """Comments are written on the site; here the moderators read and hide them."""

    list_display = ["target_kind", "target_id", "author_name", "created_at", "hidden_at"]
    list_filter = ["target_kind", "data_status"]
    search_fields = ["body", "author_name"]
    readonly_fields = [
        "target_kind",
        "target_id",
        "parent",
        "depth",
        "author",
        "author_name",
        "organisation",
        "body",
        "stance",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ["contribution", "reason", "outcome", "created_at"]
    list_filter = ["outcome", "reason"]
    raw_id_fields = ["contribution", "user"]


class QuestionInline(admin.StackedInline[Question, Any]):
    model = Question
    extra = 0
    fk_name = "questionnaire"


@admin.register(Questionnaire)
class QuestionnaireAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "opens_at", "closes_at", "anonymous", "data_status"]
    search_fields = ["code", "title_it"]
    inlines = [QuestionInline]


class PriorityOptionInline(admin.StackedInline[PriorityOption, Any]):
    model = PriorityOption
    extra = 0
    raw_id_fields = ["contribution"]
    autocomplete_fields = ["node"]


@admin.register(Prioritisation)
class PrioritisationAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "phase", "method", "opens_at", "closes_at", "data_status"]
    list_filter = ["method", "data_status"]
    search_fields = ["code", "title_it", "title_en"]
    inlines = [PriorityOptionInline]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin[ExternalIdentity]):
    """Read and remove (someone who lost access to an identity); never written here."""

    list_display = ["user", "provider", "linked_at", "last_used_at"]
    list_filter = ["provider"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "provider", "subject", "verified_name", "linked_at", "last_used_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Roadmap)
class RoadmapAdmin(AuditedAdmin):
    """Create a roadmap here (Mission, working group, desired state); its milestones are
    edited by the working group on the roadmap's page, each save a version."""

    list_display = ["code", "title_it", "node", "body", "horizon", "version", "data_status"]
    search_fields = ["code", "title_it"]
    autocomplete_fields = ["node"]
    readonly_fields = ["version", "updated_at"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin[Participant]):
    list_display = ["display_name", "email_verified_at", "created_at"]
    search_fields = ["display_name", "user__email"]
    raw_id_fields = ["user"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin[ConsentRecord]):
    list_display = ["purpose", "text_version", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "text_version"]
    raw_id_fields = ["user", "contact"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record of what was agreed is never edited


class ConsentInline(admin.TabularInline[ConsentRecord, Any]):
    model = ConsentRecord
    extra = 0
    fields = ["purpose", "text_version", "text", "given_at", "withdrawn_at"]
    fk_name = "contact"


@admin.register(ContactPoint)
class ContactPointAdmin(AuditedAdmin):
    list_display = ["organisation", "function", "email"]
    search_fields = ["organisation__name", "function", "email"]
    autocomplete_fields = ["organisation"]
    inlines = [ConsentInline]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    list_display = ["email", "language", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language"]
    search_fields = ["email"]
    exclude = ["token"]


class BlockInline(admin.StackedInline[NewsletterBlock, Any]):
    model = NewsletterBlock
    extra = 0


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(AuditedAdmin):
    list_display = ["number", "subject_it", "status", "sent_at", "recipients", "data_status"]
    readonly_fields = ["status", "content", "sent_at", "recipients"]
    inlines = [BlockInline]
    actions = ["queue_for_sending"]

    @admin.action(description=_("Send the selected issues (through the task queue)"))
    def queue_for_sending(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        from .services.newsletter import issue_queue

        for issue in queryset:
            try:
                issue_queue(issue=issue)
            except ParticipationError as exc:
                self.message_user(request, f"{issue}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("%(issue)s queued for sending.") % {"issue": issue})
