"""Wagtail admin widgets started without inline scripts, for the CSP.

Wagtail's chooser widgets end their HTML with ``<script>new XChooser(id, opts)
</script>``, which a policy without 'unsafe-inline' blocks. ``install`` swaps
that script for a hidden marker carrying the same constructor name, id and
options; core/static/core/js/admin-init.js starts it (the same file starts the
inline panels and date pickers whose templates core/templates/wagtailadmin/
overrides). Installed from CoreConfig.ready.
"""

from __future__ import annotations

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe


def marker(name: str, target: str | None, options: dict | str, construct: bool) -> str:
    """The hidden element admin-init.js turns into ``[new] name([target,] options)``."""
    if not isinstance(options, str):
        options = json.dumps(options)
    return format_html(
        '<span hidden data-khlang-init="{}"{}{} data-khlang-options="{}"></span>',
        name,
        mark_safe(' data-khlang-construct="1"') if construct else "",
        format_html(' data-khlang-target="{}"', target) if target else "",
        options,
    )


def install() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "khlang_csp", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as exc:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from exc
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)  # Wagtail's own, escaped
        options = self.get_js_init_options(id_, name, value_data)
        return mark_safe(widget_html + marker(self.js_constructor, id_, options, construct=True))

    render.khlang_csp = True
    BaseChooser.render = render
