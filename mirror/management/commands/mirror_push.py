"""Send results recorded on this mirror up to central: manage.py mirror_push."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from mirror.errors import MirrorError
from mirror.management import progress_factory, say


class Command(BaseCommand):
    help = say(gettext_noop("push results to central"))

    def handle(self, *args, **options):
        from mirror.push import PushManager

        try:
            result = PushManager(progress=progress_factory(self)).run()
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            say(
                gettext_noop("pushed: %(sent)s rows, %(new)s new, %(old)s already there"),
                sent=result.sent,
                new=result.accepted,
                old=result.duplicates,
            )
        )
