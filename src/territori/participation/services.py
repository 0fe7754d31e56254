"""Participation services: every write goes through here (views, admin actions, demo)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territori.core.audit import audit_record, snapshot
from territori.frameworks.models import Node
from territori.io.ical import Event, calendar
from territori.io.uploads import (
    DOCUMENT_KINDS,
    MAX_DOCUMENT_BYTES,
    check_document,
    sniff_document,
)
from territori.territories.models import Territory

from .consent import VERSION, consent_text
from .models import (
    ConsentRecord,
    Contribution,
    ContributionAttachment,
    LoginFailure,
    Meeting,
    Participant,
    Process,
    ProcessPhase,
    Registration,
    Report,
    Support,
)

User = get_user_model()
VERIFY_SALT = "territori.participation.verify"
VERIFY_MAX_AGE = 3 * 24 * 3600
MAX_ATTACHMENTS = 5
REMOVED_PARTICIPANT = "partecipante rimosso"


class ParticipationError(Exception):
    """A request the rules refuse; the message says why, for the person who asked."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def absolute_url(path: str) -> str:
    return settings.TERRITORI_BASE_URL.rstrip("/") + path


def consent_record(purpose: str, *, user: Account | None = None, email: str = "") -> ConsentRecord:
    return ConsentRecord.objects.create(
        user=user, email=email, purpose=purpose, text_version=VERSION, text=consent_text(purpose)
    )


# --- Accounts ---------------------------------------------------------------------------------


def email_normalise(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def participant_sign_up(*, email: str, password: str, display_name: str) -> Account | None:
    """A participant account (email as user name), its consent, and the verification email.

    When the address already has an account nothing is created and its owner gets an email
    saying so (None is returned): the page answers the same either way, so sign-up never
    tells a stranger whether an address is registered.
    """
    email = email_normalise(email)
    existing = User.objects.filter(username__iexact=email).first()
    if existing is not None:
        transaction.on_commit(lambda: already_registered_email_send(existing))
        return None
    user = User.objects.create_user(username=email, email=email, password=password)
    Participant.objects.create(user=user, display_name=display_name.strip())
    consent_record(ConsentRecord.Purpose.ACCOUNT, user=user)
    transaction.on_commit(lambda: verification_email_send(user))
    return user


def verification_token(user: Account) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def verification_email_send(user: Account) -> None:
    link = absolute_url(reverse("participation:verify", args=[verification_token(user)]))
    body = render_to_string("participation/email/verify.txt", {"link": link, "user": user})
    EmailMessage(
        _("Confirm your email address"),
        body,
        to=[user.email],
    ).send()


def already_registered_email_send(user: Account) -> None:
    link = absolute_url(reverse("participation:login"))
    body = render_to_string("participation/email/already_registered.txt", {"login": link})
    if user.email:
        EmailMessage(_("An account with this address already exists"), body, to=[user.email]).send()


def email_verify(token: str) -> Account:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ParticipationError(_("The link has expired: ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ParticipationError(_("The link is not valid.")) from exc
    user = User.objects.filter(pk=data["u"], email=data["e"]).select_related("participant").first()
    if user is None or not hasattr(user, "participant"):
        raise ParticipationError(_("The link is not valid."))
    participant = user.participant
    if participant.email_verified_at is None:
        participant.email_verified_at = timezone.now()
        participant.save(update_fields=["email_verified_at"])
    return user


def is_verified_participant(user: Account) -> bool:
    if not user.is_authenticated:
        return False
    participant = getattr(user, "participant", None)
    return bool(participant and participant.verified) or bool(getattr(user, "is_staff", False))


@dataclass(frozen=True)
class LoginLock:
    """Why an attempt on an account is refused before its password is checked.

    `address`: this address failed too often for this account (locked for `wait` seconds);
    otherwise `wait` > 0 is the progressive delay that failures from all addresses impose.
    """

    address: bool = False
    wait: int = 0

    @property
    def refused(self) -> bool:
        return self.address or self.wait > 0


def login_lock_state(username: str, ip: str | None, *, now: dt.datetime | None = None) -> LoginLock:
    """The lock-out policy: by account and address together, so nobody can lock someone
    else out by failing on purpose from elsewhere.

    - From one address, TERRITORI_LOGIN_FAILURES failures within the window lock that
      address out of that account until the window has passed.
    - From all addresses together, each failure beyond that number doubles a delay (1 s,
      2 s, 4 s … up to TERRITORI_LOGIN_DELAY_MAX) counted from the latest failure: a guesser
      spread over many addresses is slowed down, while the owner, from their own address,
      still gets in with the right password after at most that delay.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=settings.TERRITORI_LOGIN_LOCKOUT_MINUTES)
    failures = list(
        LoginFailure.objects.filter(username=username.strip().lower()[:150], at__gte=since)
        .order_by("at")
        .values_list("ip", "at")
    )
    limit = settings.TERRITORI_LOGIN_FAILURES
    mine = [at for address, at in failures if ip and address == ip]
    if len(mine) >= limit:
        window = dt.timedelta(minutes=settings.TERRITORI_LOGIN_LOCKOUT_MINUTES)
        return LoginLock(
            address=True, wait=max(1, int((mine[-limit] + window - now).total_seconds()))
        )
    beyond = len(failures) - limit
    if beyond < 0:
        return LoginLock()
    delay = min(2**beyond, settings.TERRITORI_LOGIN_DELAY_MAX)
    left = delay - (now - failures[-1][1]).total_seconds()
    return LoginLock(wait=int(left) + 1) if left > 0 else LoginLock()


def login_failure_record(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().lower()[:150], ip=ip or None)


def login_failures_clear(username: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower()).delete()


def login_failures_purge(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete failed-login records older than the retention period; returns how many."""
    days = settings.TERRITORI_LOGIN_FAILURE_RETENTION_DAYS if days is None else days
    before = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = LoginFailure.objects.filter(at__lt=before).delete()
    return deleted


def public_name(user: Account) -> str:
    participant = getattr(user, "participant", None)
    if participant is not None:
        return str(participant.display_name)
    return str(user.get_username()).split("@")[0]


# --- Processes ----------------------------------------------------------------------------------


def current_phase(process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    today = today or timezone.localdate()
    for phase in process.phases.all():
        if phase.is_current(today):
            return phase
    return None


def contributions_open(process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    """The current phase when it accepts online contributions, else None."""
    if process.status != Process.Status.OPEN:
        return None
    phase = current_phase(process, today)
    return phase if phase is not None and phase.contributions_open else None


# --- Meetings and registrations -----------------------------------------------------------------


def _registration_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def meeting_register(
    meeting: Meeting,
    user: Account,
    *,
    organisation_name: str = "",
    needs: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """A confirmed place while there is one, else a place on the waiting list.

    The meeting row is locked first, so concurrent registrations are counted one at a time
    and never exceed capacity (SQLite serialises writers; PostgreSQL waits on the lock).
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.registration_open(now):
        raise ParticipationError(_("Registration for this meeting is closed."))
    existing = Registration.objects.filter(meeting=locked, user=user).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        raise ParticipationError(_("You are already registered for this meeting."))
    confirmed = Registration.objects.filter(
        meeting=locked, status=Registration.Status.CONFIRMED
    ).count()
    full = locked.capacity is not None and confirmed >= locked.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    registration = existing or Registration(meeting=locked, user=user, code=_registration_code())
    registration.status = status
    registration.organisation_name = organisation_name.strip()
    registration.needs = needs.strip()
    registration.created_at = timezone.now()
    registration.cancelled_at = None
    registration.save()
    consent_record(ConsentRecord.Purpose.REGISTRATION, user=user)
    transaction.on_commit(lambda: registration_email_send(registration))
    return registration


@transaction.atomic
def registration_cancel(registration: Registration) -> Registration | None:
    """Cancel; a freed place goes to the first on the waiting list, who is told by email."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration.refresh_from_db()
    if registration.status == Registration.Status.CANCELLED:
        raise ParticipationError(_("This registration was already cancelled."))
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if was_confirmed and not meeting.is_past():
        promoted = (
            Registration.objects.filter(meeting=meeting, status=Registration.Status.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = Registration.Status.CONFIRMED
            promoted.save(update_fields=["status"])
            promotion = promoted
            transaction.on_commit(lambda: registration_email_send(promotion))
    return promoted


def registration_check_in(meeting: Meeting, code: str) -> Registration:
    code = code.strip().upper().replace(" ", "")
    registration = (
        Registration.objects.filter(meeting=meeting, code=code).select_related("user").first()
    )
    if registration is None:
        raise ParticipationError(
            _("No registration for this meeting has the code %(code)s.") % {"code": code}, "code"
        )
    if registration.status != Registration.Status.CONFIRMED:
        raise ParticipationError(
            _("The registration %(code)s is not confirmed (%(status)s).")
            % {"code": code, "status": registration.get_status_display()},
            "code",
        )
    if registration.checked_in_at is not None:
        raise ParticipationError(
            _("%(code)s already checked in at %(time)s.")
            % {
                "code": code,
                "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
            },
            "code",
        )
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at"])
    return registration


def meeting_location(meeting: Meeting) -> str:
    parts = [meeting.place_name, meeting.address]
    if meeting.comune_id and meeting.comune:
        parts.append(meeting.comune.name)
    text = ", ".join(p for p in parts if p)
    if meeting.online_url:
        text = f"{text} – {meeting.online_url}" if text else meeting.online_url
    return text


def meeting_event(meeting: Meeting) -> Event:
    url = absolute_url(reverse("participation:meeting", args=[meeting.code]))
    return Event(
        uid=f"meeting-{meeting.code}@territori",
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        description=meeting.description,
        location=meeting_location(meeting),
        url=url,
        cancelled=meeting.cancelled,
        all_day=not meeting.time_known,
    )


def meetings_ical(meetings: Iterable[Meeting], *, name: str) -> str:
    return calendar((meeting_event(m) for m in meetings), name=name, stamp=timezone.now())


def registration_email_send(registration: Registration) -> None:
    meeting = Meeting.objects.select_related("comune").get(pk=registration.meeting_id)
    user = registration.user
    context = {
        "meeting": meeting,
        "registration": registration,
        "start": timezone.localtime(meeting.starts_at),
        "location": meeting_location(meeting),
        "link": absolute_url(reverse("participation:meeting", args=[meeting.code])),
    }
    with translation.override(translation.get_language() or "it"):
        body = render_to_string("participation/email/registration.txt", context)
        if registration.status == Registration.Status.CONFIRMED:
            subject = _("Registration confirmed: %(title)s") % {"title": meeting.title}
        else:
            subject = _("Waiting list: %(title)s") % {"title": meeting.title}
    message = EmailMessage(subject, body, to=[user.email])
    if registration.status == Registration.Status.CONFIRMED:
        ics = meetings_ical([meeting], name=meeting.title)
        message.attach(f"{meeting.code}.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()


def registrations_purge(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete registrations of meetings that ended more than `days` ago (counts are kept)."""
    days = settings.TERRITORI_REGISTRATION_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        meetings = Meeting.objects.filter(
            ends_at__lt=cutoff, registrations__isnull=False
        ).distinct()
        for meeting in meetings:
            if meeting.reported_attendance is None:
                meeting.reported_attendance = meeting.registrations.filter(
                    checked_in_at__isnull=False
                ).count()
                meeting.save(update_fields=["reported_attendance"])
        deleted, _counts = Registration.objects.filter(meeting__ends_at__lt=cutoff).delete()
    return deleted


# --- Contributions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def check_uploads(
    files: Sequence[Upload], *, field: str = "attachments"
) -> list[tuple[Upload, str]]:
    """(upload, media type) for each file, or ParticipationError naming the first bad one."""
    if len(files) > MAX_ATTACHMENTS:
        raise ParticipationError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field)
    checked = []
    for upload in files:
        name = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
        if not name or len(name) > 150 or name.startswith("."):
            raise ParticipationError(
                _("%(name)s: the file name is not acceptable.") % {"name": name}, field
            )
        media_type, problem = check_document(name, upload.data, field=field)
        if problem is not None:
            raise ParticipationError(_upload_problem(name, upload.data), field)
        checked.append((Upload(name, upload.data), media_type))
    return checked


def _upload_problem(name: str, data: bytes) -> str:
    """The reason check_document refused a file, in the participant's language."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return _("%(name)s: larger than 10 MB (%(size).1f MB)") % {
            "name": name,
            "size": len(data) / 1024 / 1024,
        }
    if not data:
        return _("%(name)s: the file is empty") % {"name": name}
    kind = sniff_document(data)
    if kind is None:
        return _(
            "%(name)s: not a PDF, DOCX, ODT, XLSX, ODS, PNG or JPG document (by its content)"
        ) % {"name": name}
    return _("%(name)s: the content is %(kind)s but the name does not end in %(suffixes)s") % {
        "name": name,
        "kind": kind.upper(),
        "suffixes": ", ".join(sorted(DOCUMENT_KINDS[kind][1])),
    }


def _store(instance: ContributionAttachment, upload: Upload, media_type: str) -> None:
    instance.original_name = upload.name
    instance.media_type = media_type
    instance.size = len(upload.data)
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    instance.file.save(f"{secrets.token_hex(12)}.{suffix}", ContentFile(upload.data), save=False)


def contribution_submit(
    *,
    user: Account,
    process: Process,
    kind: str,
    title: str,
    body: str,
    nodes: Sequence[Node] = (),
    zone: Territory | None = None,
    files: Sequence[Upload] = (),
    today: dt.date | None = None,
) -> Contribution:
    """A verified participant's contribution to a process's open phase, with its consent."""
    if not is_verified_participant(user):
        raise ParticipationError(_("Confirm your email address before contributing."))
    phase = contributions_open(process, today)
    if phase is None:
        raise ParticipationError(_("This process is not accepting contributions now."))
    if kind not in Contribution.Kind.values:
        raise ParticipationError(_("Unknown type of contribution."), "kind")
    if not title.strip():
        raise ParticipationError(_("The title is required."), "title")
    if not body.strip():
        raise ParticipationError(_("The text is required."), "body")
    if kind == Contribution.Kind.DOCUMENT and not files:
        raise ParticipationError(
            _("A document contribution needs at least one attachment."), "attachments"
        )
    checked = check_uploads(files)
    stored: list[ContributionAttachment] = []
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                process=process,
                phase=phase,
                author=user,
                author_name=public_name(user),
                kind=kind,
                title=title.strip(),
                body=body.strip(),
                zone=zone,
            )
            contribution.nodes.set(nodes)
            for upload, media_type in checked:
                attachment = ContributionAttachment(contribution=contribution)
                _store(attachment, upload, media_type)
                stored.append(attachment)
                attachment.save()
            consent_record(ConsentRecord.Purpose.CONTRIBUTION, user=user)
    except Exception:
        for attachment in stored:  # files are not transactional: remove what was written
            attachment.file.delete(save=False)
        raise
    return contribution


#: Short words that say nothing about the subject (Italian and English).
STOPWORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "alla",
        "alle",
        "agli",
        "ai",
        "anche",
        "che",
        "chi",
        "con",
        "come",
        "da",
        "dal",
        "dalla",
        "dei",
        "del",
        "della",
        "delle",
        "di",
        "e",
        "ed",
        "gli",
        "i",
        "il",
        "in",
        "la",
        "le",
        "lo",
        "ma",
        "nei",
        "nel",
        "nella",
        "non",
        "o",
        "per",
        "piu",
        "più",
        "se",
        "si",
        "sono",
        "su",
        "sul",
        "sulla",
        "tra",
        "un",
        "una",
        "uno",
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "on",
        "with",
        "is",
        "are",
        "be",
        "this",
        "that",
        "it",
        "at",
        "by",
        "an",
        "or",
        "from",
        "as",
    ]
)


def _terms(text: str) -> set[str]:
    from territori.io.text import fold

    words = "".join(c if c.isalnum() else " " for c in fold(text)).split()
    return {w for w in words if len(w) > 2 and w not in STOPWORDS}


def similar_contributions(
    text: str, *, process: Process | None = None, limit: int = 5
) -> list[tuple[Contribution, float]]:
    """Public contributions that share the most distinctive words with `text` (tf-idf weights)."""
    import math

    query = _terms(text)
    if not query:
        return []
    candidates = Contribution.objects.filter(hidden_at__isnull=True)
    if process is not None:
        candidates = candidates.filter(process=process)
    rows = list(candidates.only("id", "title", "body", "status", "process_id")[:5000])
    documents = [(row, _terms(f"{row.title} {row.title} {row.body}")) for row in rows]
    frequency: dict[str, int] = {}
    for _row, terms in documents:
        for term in terms & query:
            frequency[term] = frequency.get(term, 0) + 1
    total = len(documents)
    weights = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in frequency.items()}
    query_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    scored = []
    for row, terms in documents:
        shared = terms & query
        if not shared:
            continue
        score = sum(weights[t] ** 2 for t in shared) / (query_norm * math.sqrt(len(terms)) * 1.0)
        scored.append((row, score))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]


ANSWERED = {
    Contribution.Status.ACCEPTED,
    Contribution.Status.INCORPORATED,
    Contribution.Status.REJECTED,
}


@transaction.atomic
def contribution_answer(
    contribution: Contribution, *, status: str, answer: str, actor: Account, channel: str = "web"
) -> Contribution:
    """Move a contribution along the workflow; a decision needs an official answer."""
    if status not in Contribution.Status.values:
        raise ParticipationError(_("Unknown status."), "status")
    if status in ANSWERED and not answer.strip():
        raise ParticipationError(
            _("Accepting, incorporating or not accepting needs an official answer."), "answer"
        )
    before = snapshot(contribution)
    contribution.status = status
    contribution.answer = answer.strip()
    if status in ANSWERED and contribution.answered_at is None:
        contribution.answered_at = timezone.now()
    contribution.save(update_fields=["status", "answer", "answered_at"])
    audit_record(
        instance=contribution, action="update", actor=actor, channel=channel, before=before
    )
    return contribution


def contribution_support(contribution: Contribution, user: Account) -> bool:
    """Support once; returns False when this person already supports it."""
    if contribution.is_hidden:
        raise ParticipationError(_("This contribution is hidden."))
    try:
        with transaction.atomic():
            Support.objects.create(contribution=contribution, user=user)
            Contribution.objects.filter(pk=contribution.pk).update(
                support_count=F("support_count") + 1
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def contribution_unsupport(contribution: Contribution, user: Account) -> bool:
    deleted, _counts = Support.objects.filter(contribution=contribution, user=user).delete()
    if deleted:
        Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
    return bool(deleted)


def contribution_report(
    contribution: Contribution, user: Account, *, reason: str, details: str = ""
) -> Report:
    if reason not in Report.Reason.values:
        raise ParticipationError(_("Choose a reason."), "reason")
    try:
        with transaction.atomic():
            return Report.objects.create(
                contribution=contribution, user=user, reason=reason, details=details.strip()[:500]
            )
    except IntegrityError as exc:
        raise ParticipationError(_("You have already reported this contribution.")) from exc


@transaction.atomic
def contribution_hide(contribution: Contribution, *, reason: str, actor: Account) -> None:
    if not reason.strip():
        raise ParticipationError(_("Say why the contribution is hidden."), "reason")
    before = snapshot(contribution)
    contribution.hidden_at = timezone.now()
    contribution.hidden_reason = reason.strip()[:300]
    contribution.save(update_fields=["hidden_at", "hidden_reason"])
    contribution.reports.filter(outcome=Report.Outcome.OPEN).update(
        outcome=Report.Outcome.HIDDEN, decided_at=timezone.now()
    )
    audit_record(
        instance=contribution, action="update", actor=actor, channel="moderation", before=before
    )


@transaction.atomic
def contribution_restore(contribution: Contribution, *, actor: Account) -> None:
    """Show again (or keep visible): open reports are closed as 'kept'."""
    before = snapshot(contribution)
    contribution.hidden_at = None
    contribution.hidden_reason = ""
    contribution.save(update_fields=["hidden_at", "hidden_reason"])
    contribution.reports.filter(outcome=Report.Outcome.OPEN).update(
        outcome=Report.Outcome.KEPT, decided_at=timezone.now()
    )
    audit_record(
        instance=contribution, action="update", actor=actor, channel="moderation", before=before
    )


# --- Questionnaires: the one-way respondent key ------------------------------------------------


def respondent_key(questionnaire_id: int, user_id: int) -> str:
    """HMAC of the account for this questionnaire: one response each, no way back to the user."""
    message = f"questionnaire:{questionnaire_id}:user:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
