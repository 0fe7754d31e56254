"""The consent texts people agree to. Each has a version: change the text, raise the version.

The text recorded is the one shown, in the language it was shown in.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from territori.territories.selectors import site_owner

from .models import ConsentRecord

VERSION = "2026-12"


def consent_text(purpose: str) -> str:
    if purpose == ConsentRecord.Purpose.ACCOUNT:  # the only one that names the site's owner
        return _(
            "I agree that the body that runs this site (%(owner)s) keeps my email address and "
            "public name to manage my participation in the Agenda's processes. I can download "
            "my data and delete my account at any time from my account page."
        ) % {"owner": site_owner().name}
    texts = {
        ConsentRecord.Purpose.CONTRIBUTION: _(
            "I agree that this contribution, its attachments and my public name are published "
            "on this site and used in the Agenda's process. I have not included other people's "
            "personal data. If I delete my account the contribution stays, without my name."
        ),
        ConsentRecord.Purpose.COMMENT: _(
            "I agree that my comments and my public name are published on this site. I have "
            "not included other people's personal data. If I delete my account my comments "
            "stay, without my name."
        ),
        ConsentRecord.Purpose.DELEGATION: _(
            "I confirm that I may speak for this organisation. My name and email address are "
            "seen by the staff and by the organisation's administrators; what I write on its "
            "behalf is published under the organisation's name and my public name."
        ),
        ConsentRecord.Purpose.REGISTRATION: _(
            "I agree that the organisers keep my registration (name, email, organisation and "
            "any needs I state) to manage this meeting; it is deleted after the retention "
            "period."
        ),
        ConsentRecord.Purpose.QUESTIONNAIRE: _(
            "I agree that my answers are used, in aggregate, in the Agenda's process."
        ),
        ConsentRecord.Purpose.NEWSLETTER: _(
            "I agree to receive the Agenda's bimonthly newsletter at this address. Every issue "
            "has a link to unsubscribe at once."
        ),
        ConsentRecord.Purpose.CONTACT: _(
            "The organisation agrees that this contact point is kept in the stakeholder "
            "registry to invite it to the Agenda's meetings."
        ),
    }
    return str(texts[ConsentRecord.Purpose(purpose)])
