"""Forms of the participation pages. Every form with a free-text entry has a honeypot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.frameworks.models import Node
from territori.frameworks.selectors import site_frameworks
from territori.territories.models import Territory
from territori.territories.selectors import home_zones

from .consent import consent_text
from .models import (
    Body,
    Comment,
    ConsentRecord,
    Contribution,
    ContributionOutcome,
    Delegation,
    Participant,
    Report,
)


def tag_nodes() -> QuerySet[Node]:
    """Tags offered to contributions and newsletter preferences: the agenda's Missions, the
    plan's axes and strategies (found by role)."""
    return (
        Node.objects.filter(site_frameworks().tag_filter())
        .select_related("framework")
        .order_by("framework__order", "framework__code", "position")
    )


def zones() -> QuerySet[Territory]:
    return home_zones()


class NodeChoice(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Node) -> str:
        return f"{obj.framework.short_name} {obj.code} – {obj.title}"


class ZoneChoice(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Territory) -> str:
        return obj.name


class Styled(forms.Form):
    """Bootstrap Italia classes on the widgets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class HoneypotMixin(Styled):
    """A field people never see (hidden by CSS and from assistive technology); bots fill it."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form looks automated; it was not sent."))
        return ""


class SignUpForm(HoneypotMixin):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label=_("Public name"),
        max_length=80,
        help_text=_("Shown beside your contributions; a nickname is fine."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            try:
                password_validation.validate_password(one, user=None)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form to set a password (with the site's validators), in the site's style."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 8 characters, not only digits, not a common password."
        )
        self.fields["new_password2"].label = _("New password again")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    error_messages = {
        "invalid_login": _(
            "Wrong email or password. After several failed attempts from the same address "
            "the account is locked there for a few minutes."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            lock = getattr(self.request, "territori_login_lock", None)
            if lock is None:
                raise
        minutes = max(1, round(lock.wait / 60))
        if lock.address:
            message = _(
                "Too many failed attempts for this account from this address: it is locked "
                "here for %(minutes)s minute(s). Wait, or ask the site's staff for help if you "
                "no longer know your password. Nobody else is locked out by this."
            ) % {"minutes": minutes}
        else:
            message = _(
                "There have been many failed attempts on this account, from several places: "
                "for safety each attempt now waits. Try again in %(seconds)s second(s)."
            ) % {"seconds": lock.wait}
        raise forms.ValidationError(message, code="locked")


class ContributionForm(HoneypotMixin):
    kind = forms.ChoiceField(label=_("Type"), choices=Contribution.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    nodes = NodeChoice(
        label=_("Axes, strategies and Missions it concerns"),
        queryset=Node.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    zone = ZoneChoice(
        label=_("Zona omogenea"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("the whole metropolitan city"),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nodes"].queryset = tag_nodes()  # type: ignore[attr-defined]
        self.fields["zone"].queryset = zones()  # type: ignore[attr-defined]


class RegistrationForm(Styled):
    organisation_name = forms.CharField(
        label=_("Organisation you represent (optional)"), max_length=200, required=False
    )
    needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        max_length=500,
        required=False,
        help_text=_("Seen only by the organisers; deleted after the meeting."),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)


class ReportForm(Styled):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices)
    details = forms.CharField(label=_("Details (optional)"), max_length=500, required=False)


class AnswerForm(Styled):
    status = forms.ChoiceField(label=_("Status"), choices=Contribution.Status.choices)
    answer = forms.CharField(
        label=_("Official answer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown publicly under the contribution; required for a decision."),
    )


class IdentitySignUpForm(Styled):
    display_name = forms.CharField(
        label=_("Public name"),
        max_length=80,
        help_text=_(
            "Shown beside your contributions; a nickname is fine. Your name as certified by "
            "the digital identity is never shown publicly."
        ),
    )
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The identity provider gave no address: we will ask you to confirm it."),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args: Any, needs_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_email:
            del self.fields["email"]


class RoadmapForm(Styled):
    title_it = forms.CharField(label=_("Title (Italian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    vision_it = forms.CharField(
        label=_("Desired state (Italian)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    vision_en = forms.CharField(
        label=_("Desired state (English)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    horizon = forms.IntegerField(label=_("Horizon (year)"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("What changed (for the versions)"), max_length=300, required=False
    )


class MilestoneForm(Styled):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title_it = forms.CharField(label=_("Milestone (Italian)"), max_length=300)
    title_en = forms.CharField(label=_("Milestone (English)"), max_length=300, required=False)
    description_it = forms.CharField(
        label=_("Description (Italian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    nodes = forms.CharField(
        label=_("Actions"),
        required=False,
        max_length=1000,
        help_text=_("FRAMEWORK:CODE, separated by commas; for example plan:1.2, plan:3.1."),
    )
    projects = forms.CharField(
        label=_("Projects"),
        required=False,
        max_length=1000,
        help_text=_("Codes or CUPs, separated by commas."),
    )
    indicators = forms.CharField(
        label=_("Indicators that show progress"),
        required=False,
        max_length=1000,
        help_text=_("Indicator codes, separated by commas."),
    )
    note = forms.CharField(
        label=_("What changed (for the versions)"), max_length=300, required=False
    )


class OutcomeForm(Styled):
    kind = forms.ChoiceField(label=_("It led to"), choices=ContributionOutcome.Kind.choices)
    reference = forms.CharField(
        label=_("Which one"),
        max_length=120,
        help_text=_(
            "An action of a plan as FRAMEWORK:CODE (for example plan:1.2.3); a project by its "
            "code or CUP; an output of the programme by its number or as ACTION/N (the Nth "
            "output of the action, for example 1.1.d/3)."
        ),
    )
    note_it = forms.CharField(
        label=_("How the contribution was used (Italian)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_en = forms.CharField(
        label=_("How the contribution was used (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(Styled):
    confirm = forms.BooleanField(
        label=_(
            "Send the invitation to everyone who took part in the process and accepts "
            "invitations; reminders follow automatically to those who have not answered."
        )
    )


class HideForm(Styled):
    reason = forms.CharField(label=_("Why it is hidden (shown publicly)"), max_length=300)


class CheckInForm(Styled):
    code = forms.CharField(label=_("Registration code"), max_length=12)


class SubscribeForm(HoneypotMixin):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    nodes = NodeChoice(
        label=_("Missions and axes you are interested in (none: all)"),
        queryset=Node.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones you are interested in (none: all)"),
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nodes"].queryset = tag_nodes()  # type: ignore[attr-defined]
        self.fields["zones"].queryset = zones()  # type: ignore[attr-defined]
        self.fields["zones"].label_from_instance = lambda obj: obj.name  # type: ignore[attr-defined]


class DeleteAccountForm(Styled):
    """Confirmed with the password; an account without one (signed in only with a digital
    identity) is confirmed with its email address."""

    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, with_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_password:
            self.fields["password"] = forms.CharField(
                label=_("Your email address, to confirm"),
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )


class CommentForm(Styled):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 3000}),
        help_text=_("Plain text, at most 3,000 characters; your public name is shown with it."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    stance = forms.ChoiceField(
        label=_("Kind"), choices=Comment.Stance.choices, required=False, initial=""
    )
    consent = forms.BooleanField(label="", required=False)

    def __init__(self, *args: Any, debate: bool = False, ask_consent: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not debate:
            del self.fields["stance"]
        if ask_consent:
            self.fields["consent"].label = consent_text(ConsentRecord.Purpose.COMMENT)
        else:
            del self.fields["consent"]


class DebateCloseForm(Styled):
    conclusions_it = forms.CharField(
        label=_("Closing summary (Italian)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the debate showed: shown to everyone at the top of the debate."),
    )
    conclusions_en = forms.CharField(
        label=_("Closing summary (English)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DigestForm(Styled):
    digest = forms.ChoiceField(
        label=_("Notifications by email"),
        choices=Participant.Digest.choices,
        widget=forms.RadioSelect,
        help_text=_("Every email has a link to stop them at once."),
    )
    invitations = forms.BooleanField(
        label=_("Invite me to the questionnaires of the processes I took part in"),
        required=False,
    )


class DelegationRequestForm(Styled):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("not in the list: I name it below"),
    )
    organisation_name = forms.CharField(
        label=_("Name of the organisation (if not in the list)"), max_length=300, required=False
    )
    organisation_kind = forms.ChoiceField(
        label=_("Type of organisation (if not in the list)"),
        choices=[("", "—"), *Organisation.Kind.choices],
        required=False,
    )
    body = forms.ModelChoiceField(
        label=_("Also ask that the organisation join"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("no: only act for it"),
    )
    message = forms.CharField(
        label=_("Your role in the organisation, and anything the staff should know"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(label="", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            kind=Body.Kind.FORUM
        ).order_by("name_it")
        self.fields["consent"].label = consent_text(ConsentRecord.Purpose.DELEGATION)


class InviteForm(Styled):
    email = forms.EmailField(label=_("Email address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Delegation.Role.choices)


def on_behalf(form: forms.Form, organisations: list[Organisation]) -> None:
    """Add "on behalf of" to `form`, with the organisations the person is a verified
    delegate of (nothing when there are none)."""
    if organisations:
        form.fields["organisation"] = forms.ModelChoiceField(
            label=_("On behalf of"),
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
            required=False,
            empty_label=_("myself"),
        )
        form.fields["organisation"].widget.attrs.setdefault("class", "form-select")
