"""What central knows about mirrors and its feed, and what a mirror keeps of its sync.

Central: ``Mirror`` (one school's box, its key, its selection and last report),
``ChangeEntry`` (the feed: one row per record, the latest version of it) and
``TransferLog`` (file ranges served, for the admin and for tests).
Mirror: ``SyncState`` (one row), ``StagedEntry`` (fetched, not yet applied),
``MirrorRecord`` (applied; one per record, so it never grows beyond the catalogue),
``SyncJournal`` (recent runs, pruned) and ``PushCursor`` (results sent up).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mirror(models.Model):
    """A school's mirror, known to central by its id and public key."""

    mirror_id = models.SlugField(_("Mirror id"), max_length=64, unique=True)
    school = models.ForeignKey(
        "core.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="mirrors"
    )
    public_key = models.CharField(_("public key (Ed25519)"), max_length=64)
    revoked_at = models.DateTimeField(_("key revoked at"), null=True, blank=True)
    # Selection: empty means every subject group / grade.
    subject_groups = models.ManyToManyField(
        "core.SubjectGroup", blank=True, verbose_name=_("subject groups taught")
    )
    grade_levels = models.ManyToManyField(
        "core.GradeLevel", blank=True, verbose_name=_("grades taught")
    )
    max_rendition_height = models.PositiveIntegerField(
        _("highest video rendition kept (px)"), default=0, help_text=_("0 = all")
    )
    bandwidth_kbps = models.PositiveIntegerField(_("bandwidth cap (kbps)"), default=0)
    window = models.CharField(
        _("sync window"), max_length=11, blank=True, help_text="HH:MM-HH:MM, e.g. 22:00-05:00"
    )
    # Set when the selection changes: the next feed starts again from version 0.
    resync_required = models.BooleanField(default=False)
    # Reported by the mirror.
    last_contact = models.DateTimeField(_("last contact"), null=True, blank=True)
    acked_version = models.BigIntegerField(_("version held"), default=0)
    disk_free_bytes = models.BigIntegerField(_("disk free"), null=True, blank=True)
    bytes_pending = models.BigIntegerField(_("bytes still to download"), default=0)
    results_pending = models.BigIntegerField(_("results not yet sent"), default=0)
    last_error = models.TextField(blank=True)
    software_version = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mirror_id"]
        verbose_name = _("school mirror")
        verbose_name_plural = _("school mirrors")

    def __str__(self) -> str:
        return self.mirror_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ChangeEntry(models.Model):
    """The latest state of one record in the feed; ``version`` grows on every change.

    Only the newest entry per record is kept, so the feed is as large as the
    catalogue (plus tombstones), not as long as its history.
    """

    UPSERT = "upsert"
    DELETE = "delete"

    source = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    version = models.BigIntegerField(unique=True)
    action = models.CharField(max_length=8, default=UPSERT)
    digest = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    files = models.JSONField(default=list)  # [{"sha", "size", "role", "height"?}]
    scope = models.JSONField(default=dict)  # see mirror/sources/base.py
    # The scope before the last change: mirrors it matched, and the new one does
    # not, are told to forget the record.
    previous_scope = models.JSONField(null=True, blank=True)
    signature = models.CharField(max_length=128)
    # Rows signed before entries carried their scope are signed again by the
    # next refresh (only central holds the key).
    signed_scope = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="mirror_entry_unique_record")
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.action} {self.source}:{self.key}"


class TransferLog(models.Model):
    """One file response to a mirror: where it started and how many bytes left."""

    mirror = models.ForeignKey(Mirror, on_delete=models.CASCADE, related_name="transfers")
    sha = models.CharField(max_length=64)
    start = models.BigIntegerField(default=0)
    bytes_sent = models.BigIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.sha[:12]} from {self.start}: {self.bytes_sent} bytes"


class SyncState(models.Model):
    """A mirror's single row: how far it has applied the feed, and its policy."""

    applied_version = models.BigIntegerField(default=0)
    central_version = models.BigIntegerField(default=0)
    staged_until = models.BigIntegerField(default=0)  # feed fetched up to here
    staging_complete = models.BooleanField(default=False)  # every feed page is staged
    full_resync = models.BooleanField(default=False)  # staged feed replaces everything
    policy = models.JSONField(default=dict)  # max_rendition_height, window, bandwidth
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"applied v{self.applied_version}"

    @classmethod
    def load(cls) -> SyncState:
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class StagedEntry(models.Model):
    """A fetched, verified feed entry whose files may still be on their way."""

    version = models.BigIntegerField(unique=True)
    entry = models.JSONField()  # the signed entry as received
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"staged v{self.version}"


class MirrorRecord(models.Model):
    """A record applied on this mirror, with its signed entry (re-exported to USB).

    A deletion stays as a tombstone (``deleted``, with the deletion's version),
    so an older bundle or feed page can never bring the record back."""

    source = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    key_hash = models.CharField(max_length=64, db_index=True)  # matches "forget" entries
    version = models.BigIntegerField()
    entry = models.JSONField()
    signature = models.CharField(max_length=128)
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="mirror_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key} v{self.version}"


class SyncJournal(models.Model):
    """One sync, import or push run; the newest JOURNAL_KEEP rows are kept."""

    kind = models.CharField(max_length=16)  # sync | import | push
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # running | ok | partial (disk full: some left for later) | failed | interrupted
    status = models.CharField(max_length=16, default="running")
    bytes_moved = models.BigIntegerField(default=0)
    files_moved = models.IntegerField(default=0)
    entries_applied = models.IntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class PushCursor(models.Model):
    """How far one kind of result has been acknowledged by central."""

    kind = models.CharField(max_length=32, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind} @ {self.position}"


class AcknowledgedResult(models.Model):
    """A mirror's memo of a result record central has acknowledged, with the
    digest of the state it acknowledged: for kinds whose rows change (progress)
    or become ready late (an attempt submitted after later ones), a cursor on ids
    cannot say what is left to send; comparing digests can. One row per record."""

    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=255)
    digest = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="mirror_one_ack_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class CentralFile(models.Model):
    """Central's memo of a media file's sha256, so a feed refresh hashes only
    files whose size or modification time changed."""

    path = models.CharField(max_length=1024, unique=True)
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    sha = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.path} ({self.sha[:12]})"
