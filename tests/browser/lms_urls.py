"""The site's URLs plus uploaded files, for browser tests.

Outside DEBUG the site leaves /media/ to the web server (nginx in production);
the live test server has none, so this serves MEDIA_ROOT for the lesson video.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from khlang.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.+)$", media), *site_urlpatterns]
