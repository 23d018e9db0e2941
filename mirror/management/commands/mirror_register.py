"""Register a mirror (central), or show this mirror's public key (mirror).

Central:  manage.py mirror_register school-42 --school 1058100001 --public-key KEY \
              [--subjects ค,ว] [--grades ป.5,ป.6] [--max-height 360] \
              [--bandwidth-kbps 256] [--window 22:00-05:00] | --revoke
Mirror:   manage.py mirror_register      (prints the key to give central)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from mirror.conf import is_mirror
from mirror.errors import MirrorError
from mirror.management import say
from mirror.signing import own_private_key, public_key_text


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


class Command(BaseCommand):
    help = say(gettext_noop("register a school mirror"))

    def add_arguments(self, parser):
        parser.add_argument("mirror_id", nargs="?")
        parser.add_argument("--school", help="school code")
        parser.add_argument("--public-key", help="the mirror's Ed25519 public key (base64)")
        subjects = "subject group codes, e.g. ค,ว"  # i18n: keep (codes as typed)
        grades = "grade codes, e.g. ป.5,ป.6"  # i18n: keep (codes as typed)
        parser.add_argument("--subjects", default="", help=subjects)
        parser.add_argument("--grades", default="", help=grades)
        parser.add_argument("--max-height", type=int, default=0)
        parser.add_argument("--bandwidth-kbps", type=int, default=0)
        parser.add_argument("--window", default="")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, **options):
        own_key = public_key_text(own_private_key())
        if is_mirror():
            self.stdout.write(say(gettext_noop("this mirror's public key:")) + f"\n{own_key}")
            return
        from mirror.actions import register_mirror, revoke_mirror
        from mirror.models import Mirror

        if not options["mirror_id"]:
            raise CommandError(say(gettext_noop("a mirror id is required")))
        try:
            if options["revoke"]:
                mirror = Mirror.objects.filter(mirror_id=options["mirror_id"]).first()
                if mirror is None:
                    raise MirrorError.pair(
                        gettext_noop("no mirror %(id)s"), id=repr(options["mirror_id"])
                    )
                revoke_mirror(mirror)
                self.stdout.write(say(gettext_noop("key revoked: %(id)s"), id=mirror.mirror_id))
                return
            if not options["school"] or not options["public_key"]:
                raise MirrorError.pair(gettext_noop("--school and --public-key are required"))
            mirror = register_mirror(
                options["mirror_id"],
                options["school"],
                options["public_key"],
                subjects=_codes(options["subjects"]),
                grades=_codes(options["grades"]),
                max_rendition_height=options["max_height"],
                bandwidth_kbps=options["bandwidth_kbps"],
                window=options["window"],
            )
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            say(
                gettext_noop("registered: %(id)s (%(school)s)"),
                id=mirror.mirror_id,
                school=mirror.school.code,
            )
            + "\n"
            + say(gettext_noop("set on the mirror:"))
            + f" KHLANG_MIRROR_CENTRAL_PUBLIC_KEY={own_key}"
        )
