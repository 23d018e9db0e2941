"""``makemessages`` that also extracts the strings given to core.i18n's helpers.

Django's documented way to add xgettext keywords: subclass the command and extend
``xgettext_options``.
"""

from django.core.management.commands import makemessages

from core.i18n import KEYWORDS


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + [
        f"--keyword={keyword}" for keyword in KEYWORDS
    ]
