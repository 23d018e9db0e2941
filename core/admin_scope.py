"""Every admin URL that names an object answers only inside the user's scope.

Wagtail's snippet and media viewsets scope their *lists* (``get_queryset``), but
their edit, delete, history, copy, usage, revision, preview and chooser views
look the object up by id on the whole table. Rather than subclass each of those
views, ``apply`` walks the finished URLconf once and wraps every view under a
registered namespace whose URL carries the object's id: the wrapper asks the
app's policy (core.policy) and answers 404 when the object is outside the
user's scope for that action. A new Wagtail view under the same namespace is
wrapped without anyone remembering to.

Apps register with the ``register_admin_scopes`` hook, returning
``AdminScope`` entries (see exambank/wagtail_hooks.py). The URL matrix test
(tests/security/) fails for an admin URL with an object id that is neither
wrapped nor listed as governed by Wagtail's own permissions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.http import Http404
from django.urls import URLPattern, URLResolver

# The view name's action; every other view of a scoped namespace is "view".
_ACTIONS = {
    "edit": "change",
    "delete": "delete",
    "delete_multiple": "delete",
    "edit_multiple": "change",
    "unpublish": "change",
    "lock": "change",
    "unlock": "change",
    "revisions_revert": "change",
    "revisions_unschedule": "change",
    "workflow_action": "change",
}


@dataclass(frozen=True)
class AdminScope:
    namespace: str  # e.g. "wagtailsnippets_exambank_question"
    policy: object  # a core.policy.ScopePolicy
    kwarg: str | tuple[str, ...] = "pk"  # the URL argument(s) that can hold the object's id


def action_for(view_name: str) -> str:
    return _ACTIONS.get(view_name, "view")


def scoped_view(view, policy, action: str, kwarg: str):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        # Signed-out visitors get the admin's own login redirect, for any id.
        if user.is_authenticated and kwarg in kwargs:
            object_id = unquote(str(kwargs[kwarg]))
            if not policy.for_user(user, action).filter(pk=object_id).exists():
                raise Http404
        return view(request, *args, **kwargs)

    wrapper.khlang_policy = policy
    wrapper.khlang_action = action
    return wrapper


def scoped_bulk_view(view, policies: dict[tuple[str, str], object]):
    """Wagtail's bulk actions name their objects as ``?id=…``: all in scope, or 404."""

    @functools.wraps(view)
    def wrapper(request, app_label: str, model_name: str, action: str, *args, **kwargs):
        policy = policies.get((app_label, model_name))
        if policy is not None and request.user.is_authenticated:
            needed = "delete" if "delete" in action else "change"
            in_scope = policy.for_user(request.user, needed)
            ids = {unquote(i) for i in request.GET.getlist("id")}
            if "all" in ids:  # "everything in the listing": only for whoever may act on all
                if in_scope.count() != policy.base_queryset().count():
                    raise Http404
            elif in_scope.filter(pk__in=ids).count() != len(ids):
                raise Http404
        return view(request, app_label, model_name, action, *args, **kwargs)

    wrapper.khlang_policy = policies
    wrapper.khlang_action = "bulk"
    return wrapper


def _registered() -> dict[str, AdminScope]:
    from wagtail import hooks

    found: dict[str, AdminScope] = {}
    for hook in hooks.get_hooks("register_admin_scopes"):
        for scope in hook():
            found[scope.namespace] = scope
    return found


def apply(patterns: list, scopes: dict[str, AdminScope] | None = None, namespace: str = "") -> int:
    """Wrap the views of registered namespaces in ``patterns``; returns how many."""
    scopes = _registered() if scopes is None else scopes
    wrapped = 0
    for entry in patterns:
        if isinstance(entry, URLPattern) and entry.name == "wagtail_bulk_action":
            if not hasattr(entry.callback, "khlang_policy"):
                policies = {
                    (s.policy.model._meta.app_label, s.policy.model._meta.model_name): s.policy
                    for s in scopes.values()
                }
                entry.callback = scoped_bulk_view(entry.callback, policies)
                wrapped += 1
        elif isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            wrapped += apply(entry.url_patterns, scopes, inner)
        elif isinstance(entry, URLPattern) and namespace in scopes:
            scope = scopes[namespace]
            names = (scope.kwarg,) if isinstance(scope.kwarg, str) else scope.kwarg
            kwarg = next((n for n in names if n in entry.pattern.regex.groupindex), None)
            if kwarg and not hasattr(entry.callback, "khlang_policy"):
                action = action_for(entry.name or "")
                entry.callback = scoped_view(entry.callback, scope.policy, action, kwarg)
                wrapped += 1
    return wrapped
