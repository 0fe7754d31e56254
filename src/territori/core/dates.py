"""Month and weekday names as Italian writes them in a date: in lower case ("lunedì 1 marzo
2026"). Django's Italian catalogue capitalises them ("1 Marzo"). The msgids below are
Django's own (`django.utils.dates.MONTHS` and `WEEKDAYS`, used by the `F` and `l` date
formats); listing them here keeps them in the project's catalogue, which Django reads before
its own, so the lower-case translations win. Nothing imports this module: it is read by
`makemessages`.
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
