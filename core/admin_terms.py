"""Wagtail admin terms our Thai catalogue translates.

Wagtail's own Thai catalogue is partial (about 40% of the admin) and some of its
words read oddly ("หลายหน้า" for Pages). LOCALE_PATHS takes precedence over app
catalogues, so locale/th carries better words for the terms a teacher sees most.
Listing them here keeps ``make messages`` from dropping them as obsolete.
"""

from django.utils.translation import gettext_noop

WAGTAIL_ADMIN_TERMS = (
    gettext_noop("Dashboard"),
    gettext_noop("Search all pages…"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("Pages"),
    gettext_noop("Snippets"),
    gettext_noop("Users"),
    gettext_noop("Groups"),
    gettext_noop("Sites"),
    gettext_noop("Collections"),
    gettext_noop("Collection"),
    gettext_noop("Reports"),
    gettext_noop("Help"),
    gettext_noop("Forgotten password?"),
    gettext_noop("Workflows"),
    gettext_noop("Draft"),
    gettext_noop("Title"),
    gettext_noop("Updated"),
    gettext_noop("Type"),
    gettext_noop("Remember me"),
    gettext_noop("Profile"),
    gettext_noop("Name and Email"),
    gettext_noop("Add"),
    gettext_noop("Add a document"),
    gettext_noop("Cancel"),
    gettext_noop("Save"),
    gettext_noop("Actions"),
    gettext_noop("Locked pages"),
    gettext_noop("Aging pages"),
    gettext_noop("Site history"),
    gettext_noop("Redirects"),
    gettext_noop("Created"),
    gettext_noop("Owner"),
    gettext_noop("Clear"),
    gettext_noop("View live"),
    gettext_noop("More"),
    gettext_noop("History"),
    gettext_noop("Copy"),
    gettext_noop("Submit"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("Notifications"),
    gettext_noop("Tags"),
    gettext_noop("File"),
    gettext_noop("Active"),
    gettext_noop("Last login"),
    gettext_noop("Add child page"),
    gettext_noop("Privacy"),
    gettext_noop("Sign in to Wagtail"),
    gettext_noop("Sign in"),
    gettext_noop("Save draft"),
)
