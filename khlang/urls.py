from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import admin_scope
from core import urls as core_urls

from . import views

DOMAIN_APPS = ["media_center", "transcoding", "lms", "exambank", "search", "mirror", "reports"]

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("start/", views.start, name="start"),
    path("favicon.ico", views.favicon),
    path("", include(core_urls)),
    path("", include("notifications.urls")),
    path("", include("live.urls")),
    # Each domain app owns its URL prefixes (APIs, file endpoints, uploads).
    *[path("", include(f"{app}.urls")) for app in DOMAIN_APPS],
    path("", include("supervision.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]

# Admin views that name an object ask that object's policy (core/admin_scope.py).
admin_scope.apply(urlpatterns)
handler500 = "khlang.views.server_error"
