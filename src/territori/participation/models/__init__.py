"""Participation: processes and their phases, standing bodies (Forum Missioni, Cabina di
regia), meetings with registrations, online contributions, questionnaires, the newsletter,
participants' accounts, the stakeholder registry and consent records.

Organisations come from the atlas: bodies are made of organisations, never of named people.
Files are kept in the private storage (outside the web root) and served by views that check
who is asking.
"""

from .accounts import ConsentRecord, ContactPoint, ExternalIdentity, LoginFailure, Participant
from .base import StoredFile, data_status_field, private_storage
from .comments import Comment, CommentReport, Debate, Follow, Notification
from .contributions import Contribution, ContributionAttachment, Report, Support
from .delegations import Delegation
from .meetings import AgendaItem, Meeting, MeetingDocument, Registration
from .newsletter import NewsletterBlock, NewsletterIssue, Subscriber
from .outcomes import ContributionOutcome
from .priorities import (
    FEASIBILITY_MAX,
    FEASIBILITY_MIN,
    Prioritisation,
    PriorityBallot,
    PriorityChoice,
    PriorityOption,
)
from .processes import Body, BodyDocument, BodyMember, Process, ProcessPhase
from .questionnaires import (
    Answer,
    Question,
    Questionnaire,
    QuestionnaireInvitation,
    QuestionnaireResponse,
)
from .roadmaps import Milestone, Roadmap, RoadmapVersion

__all__ = [
    "FEASIBILITY_MAX",
    "FEASIBILITY_MIN",
    "AgendaItem",
    "Answer",
    "Body",
    "BodyDocument",
    "BodyMember",
    "Comment",
    "CommentReport",
    "ConsentRecord",
    "ContactPoint",
    "Contribution",
    "ContributionAttachment",
    "ContributionOutcome",
    "Debate",
    "Delegation",
    "ExternalIdentity",
    "Follow",
    "LoginFailure",
    "Meeting",
    "MeetingDocument",
    "Milestone",
    "NewsletterBlock",
    "NewsletterIssue",
    "Notification",
    "Participant",
    "Prioritisation",
    "PriorityBallot",
    "PriorityChoice",
    "PriorityOption",
    "Process",
    "ProcessPhase",
    "Question",
    "Questionnaire",
    "QuestionnaireInvitation",
    "QuestionnaireResponse",
    "Registration",
    "Report",
    "Roadmap",
    "RoadmapVersion",
    "StoredFile",
    "Subscriber",
    "Support",
    "data_status_field",
    "private_storage",
]
