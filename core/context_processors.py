from django.conf import settings


def khlang(request):
    return {"KHLANG_ROLE": settings.KHLANG_ROLE, "SITE_NAME": settings.WAGTAIL_SITE_NAME}
