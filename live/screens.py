"""The classroom screen's link: a TV opens the school's screen without anyone signing in.

Why an account behind the link: the screen plays through the same URLs as any
viewer (media centre's signed files, ``live:state`` and ``live:file``, which on a
mirror go through its relay), and each of those asks its policy about
``request.user``. So a valid key signs the TV in as the school's screen account:
a member of the school with no role (what a student of the school may watch, and
nothing of another school). ``live.middleware`` then keeps that session on the
screen's own pages and the files they play.

The key is a ``secrets.token_urlsafe`` in the address (``?key=``). Central keeps
it to show the school's staff; mirrors get only its SHA-256. A new key ends
every session opened with the old one: the account's unusable password is
drawn again, and Django ties each session to it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth import login
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.i18n import bilingual
from core.models import User

from .models import ScreenLink

# The session remembers which school's screen it is (live.middleware reads it).
SESSION_KEY = "live.classroom_screen"
BACKEND = "django.contrib.auth.backends.ModelBackend"
NAME_TAKEN = gettext_noop(
    "The account name %(username)s is taken by someone else: the screen link was not made."
)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def account_name(school) -> str:
    return f"screen-{school.code}"


def make_link(school) -> ScreenLink:
    """A new key for the school's screens (the first, or one replacing a leaked key)."""
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = ScreenLink.objects.select_for_update().filter(school=school).first()
        account = link.account if link else _new_account(school)
        account.set_unusable_password()  # sessions opened with the old key end here
        account.is_active = True
        account.save(update_fields=["password", "is_active"])
        link, _ = ScreenLink.objects.update_or_create(
            school=school,
            defaults={
                "account": account,
                "key": key,
                "key_digest": digest(key),
                "made_at": timezone.now(),
            },
        )
    return link


def _new_account(school) -> User:
    username = account_name(school)
    if User.objects.filter(username=username).exists():
        raise ValueError(bilingual(NAME_TAKEN, username=username))
    account = User(username=username, school=school, first_name=gettext("Classroom screen"))
    account.set_unusable_password()
    account.save()
    return account


def account_for_key(school, key: str) -> User | None:
    """The school's screen account if ``key`` is its current key, else None."""
    if not key:
        return None
    link = ScreenLink.objects.filter(school=school).select_related("account").first()
    if link is None or not hmac.compare_digest(link.key_digest, digest(key)):
        return None
    return link.account if link.account.is_active else None


def sign_in(request, school, account: User) -> None:
    login(request, account, backend=BACKEND)
    request.session[SESSION_KEY] = school.code


def screen_school_code(request) -> str | None:
    """The school whose screen this session was opened for, if it is a screen's."""
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None
