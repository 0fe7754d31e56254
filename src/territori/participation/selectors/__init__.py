"""Reads of the participation pages and API, one module a concept (as the models and services):
lists with their filters and counts, permissions, plain rows."""

from .accounts import (
    AccountPage,
    account_page,
    is_moderator,
    is_verified_participant,
)
from .contributions import (
    ContributionFilters,
    ContributionListing,
    contribution_detail,
    contribution_listing,
    contribution_rows,
    has_supported,
    moderation_queue,
    similar_contributions,
)
from .meetings import (
    is_registered,
    meeting_detail,
    meeting_list,
    meeting_registrations,
    meeting_rows,
    registration_counts,
    registration_of,
)
from .newsletter import (
    sent_issues,
)
from .processes import (
    ParticipationHome,
    body_detail,
    contributions_open,
    current_phase,
    is_body_member,
    participation_home,
    process_choices,
    process_list,
    process_page,
    process_rows,
)
from .questionnaires import (
    NOT_SHOWN,
    OTHER,
    QuestionResult,
    already_answered,
    export_table,
    is_shown,
    questionnaire_results,
    respondent_key,
)

__all__ = [
    "NOT_SHOWN",
    "OTHER",
    "AccountPage",
    "ContributionFilters",
    "ContributionListing",
    "ParticipationHome",
    "QuestionResult",
    "account_page",
    "already_answered",
    "body_detail",
    "contribution_detail",
    "contribution_listing",
    "contribution_rows",
    "contributions_open",
    "current_phase",
    "export_table",
    "has_supported",
    "is_body_member",
    "is_moderator",
    "is_registered",
    "is_shown",
    "is_verified_participant",
    "meeting_detail",
    "meeting_list",
    "meeting_registrations",
    "meeting_rows",
    "moderation_queue",
    "participation_home",
    "process_choices",
    "process_list",
    "process_page",
    "process_rows",
    "questionnaire_results",
    "registration_counts",
    "registration_of",
    "respondent_key",
    "sent_issues",
    "similar_contributions",
]
