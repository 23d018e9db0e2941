"""Pages and small JSON endpoints of the media center."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.i18n import bilingual
from core.models import Service
from core.signals import media_watch_progress
from core.usage import record_event

from . import actions, library, stats
from .access import can_upload, visible_items
from .conf import media_settings
from .files import file_url
from .models import MediaItem, MediaKind, Status, TusUpload, WatchProgress
from .policies import media_item_policy
from .watch import covered_seconds, merge_ranges


def browse(request):
    """The library: cards with posters, filters as links with counts, shelves, paged."""
    visible = visible_items(request.user)
    chosen = {k: request.GET.get(k, "")[:64] for k in library.FILTERS}
    items = library.narrow(visible, chosen).distinct()
    page = Paginator(
        library.card_queryset(items).order_by("-created_at"), media_settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    filtered = any(chosen.values())
    grade = request.user.grade_level.code if getattr(request.user, "grade_level_id", None) else ""
    return render(
        request,
        "media_center/browse.html",
        {
            "page_obj": page,
            "chosen": chosen,
            "query": library.link(chosen, "", "")[1:],
            "facets": library.facets(visible, chosen),
            "clear_url": "?",
            "filtered": filtered,
            "new_items": [] if filtered else library.new_items(library.card_queryset(visible)),
            "popular": []
            if filtered
            else library.popular_in_grade(library.card_queryset(visible), grade),
            "grade": grade,
            "can_upload": can_upload(request.user),
        },
    )


def player_sources(item: MediaItem, user=None) -> dict:
    """Signed file URLs for the player, bound to ``user`` when the item is not public."""
    info = item.rendition_info or {}
    sources = {"hls": file_url(item, "master.m3u8", user) if item.is_playable else ""}
    for key in ("poster", "sprite_vtt", "download"):
        has = item.is_playable and info.get(key)
        sources[key] = file_url(item, info[key], user) if has else ""
    return sources


def detail(request, pk: int):
    try:
        item = media_item_policy.get_or_404(request.user, "view", pk=pk)
    except Http404:
        if not request.user.is_authenticated:  # the same answer whether it exists or not
            return redirect(f"{reverse('login')}?next={request.path}")
        raise
    if item.status != Status.READY and not media_item_policy.user_has_permission_for_instance(
        request.user, "change", item
    ):
        raise Http404  # processing or failed: only its owners see it (and why it failed)
    record_event(service=Service.MEDIA, action="view", obj=item, user=request.user)
    resume = 0.0
    if request.user.is_authenticated:
        progress = WatchProgress.objects.filter(user=request.user, item=item).first()
        resume = progress.position if progress else 0.0
    related = (
        visible_items(request.user)
        .filter(subject_groups__in=item.subject_groups.all())
        .exclude(pk=item.pk)
        .distinct()[:6]
    )
    return render(
        request,
        "media_center/detail.html",
        {
            "item": item,
            "sources": player_sources(item, request.user),
            "resume": resume,
            "crumbs": [(_("Media library"), reverse("media_center:browse"))],
            "related": related,
        },
    )


@require_POST
def report_watch(request, pk: int):
    """The player's report: position and the ranges played since the last report.

    Counts only seconds not seen before (seeking back does not add, skipping ahead
    does not count), records them as a usage event and tells other apps.
    """
    item = media_item_policy.get_or_404(request.user, "view", pk=pk)
    try:
        data = json.loads(request.body or b"{}")
        position = max(0.0, float(data.get("position", 0)))
        report = int(data.get("seq", 0))
        new_ranges = list(data.get("ranges", []))[:200]
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": bilingual("bad report")}, status=400)
    duration = item.duration or None
    session_key = request.session.session_key or ""
    if request.user.is_authenticated:
        with transaction.atomic():
            progress, _ = WatchProgress.objects.select_for_update().get_or_create(
                user=request.user, item=item
            )
            before = progress.seconds_watched
            progress.ranges = merge_ranges(progress.ranges + new_ranges, duration)
            progress.seconds_watched = covered_seconds(progress.ranges)
            progress.position = min(position, duration or position)
            progress.save()
        watched = progress.seconds_watched
        who = f"u{request.user.pk}"
    else:
        if not session_key:
            request.session.save()
            session_key = request.session.session_key
        seen = request.session.get("media_watch", {})
        old = seen.get(str(pk), [])
        before = covered_seconds(old)
        merged = merge_ranges(old + new_ranges, duration)
        seen[str(pk)] = merged
        request.session["media_watch"] = seen
        watched = covered_seconds(merged)
        who = f"s{session_key}"
    gained = round(watched - before, 2)
    if gained > 0:
        record_event(
            service=Service.MEDIA,
            action="watch",
            obj=item,
            user=request.user,
            seconds=gained,
            key=f"watch:{who}:{pk}:{report}",
        )
        if request.user.is_authenticated:
            media_watch_progress.send(
                sender=MediaItem,
                user=request.user,
                media_item=item,
                seconds_watched=watched,
                duration=item.duration,
            )
    return JsonResponse({"seconds_watched": watched, "gained": gained})


class UploadForm(forms.ModelForm):
    upload_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = MediaItem
        fields = [
            "title", "type", "description", "subject_groups", "grade_levels", "indicators",
            "tags", "language", "licence", "copyright_holder", "visibility", "external_url",
        ]  # fmt: skip
        widgets = {
            "subject_groups": forms.CheckboxSelectMultiple,
            "grade_levels": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        if data.get("type") == MediaKind.LINK:
            if not data.get("external_url"):
                self.add_error("external_url", _("A link needs its address."))
        elif not data.get("upload_id"):
            self.add_error(None, _("Upload the file first."))
        return data


@login_required
def upload(request):
    if not can_upload(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"upload_id", "subject_groups", "grade_levels", "indicators", "tags"}
        }
        fields.update(
            uploaded_by_user=request.user,
            owner_school=request.user.school,
            owner_area=request.user.school.network.area if request.user.school_id else None,
            collection=actions.default_collection(request.user),
        )
        if form.cleaned_data["type"] == MediaKind.LINK:
            item = MediaItem.objects.create(**fields)
        else:
            tus = TusUpload.objects.filter(
                pk=form.cleaned_data["upload_id"], user=request.user, claimed=False
            ).first()
            if tus is None or not tus.complete:
                form.add_error(None, _("The upload is missing or not finished."))
                return render(request, "media_center/upload.html", {"form": form})
            item = actions.create_from_upload(tus, **fields)
        item.subject_groups.set(form.cleaned_data["subject_groups"])
        item.grade_levels.set(form.cleaned_data["grade_levels"])
        item.indicators.set(form.cleaned_data["indicators"])
        item.tags.set(form.cleaned_data["tags"])
        return redirect("media_center:detail", pk=item.pk)
    return render(request, "media_center/upload.html", {"form": form})


def item_status(request, pk: int):
    """Processing state for the item page's poll (and tests)."""
    item = media_item_policy.get_or_404(request.user, "view", pk=pk)
    job = item.transcode_jobs.first()
    return JsonResponse(
        {
            "status": item.status,
            "error": item.error_message,
            "progress": job.progress if job else None,
        }
    )


@login_required
def item_stats(request, pk: int):
    item = media_item_policy.get_or_404(request.user, "stats", pk=pk)
    return JsonResponse({"item": item.pk, "days": stats.item_by_day(item)})
