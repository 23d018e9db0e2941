"""Questions (with every version kept), quizzes, attempts and item analyses.

A ``Question`` is the stable identity teachers edit in the admin; each edit is
frozen into a ``QuestionVersion`` (``exambank.actions.snapshot_version``). Quizzes
point at questions and either pin a version or follow the latest ready one; an
attempt's slots point at the exact version the student saw, so later edits never
change a past attempt.

Double clicks and retried requests are handled by the database, not by hope:
one in-progress attempt per (quiz, user) is a partial unique constraint, every
start carries an idempotency key unique per user, and answers live in one row
per (attempt, position) updated only by a newer client sequence number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField

from core.models import GradeLevel, Indicator, School, SubjectGroup


class QType(models.TextChoices):
    MULTICHOICE = "multichoice", "ปรนัยเลือกตอบ (Multiple choice)"
    TRUEFALSE = "truefalse", "ถูก/ผิด (True/false)"
    SHORTANSWER = "shortanswer", "เติมคำตอบสั้น (Short answer)"
    NUMERICAL = "numerical", "ตัวเลข (Numerical)"
    MATCHING = "matching", "จับคู่ (Matching)"
    ORDERING = "ordering", "เรียงลำดับ (Ordering)"
    ESSAY = "essay", "อัตนัย/เรียงความ (Essay)"
    CLOZE = "cloze", "เติมคำในช่องว่าง (Cloze)"
    DESCRIPTION = "description", "คำอธิบาย (Description, not graded)"


class Difficulty(models.TextChoices):
    EASY = "easy", "ง่าย (Easy)"
    MEDIUM = "medium", "ปานกลาง (Medium)"
    HARD = "hard", "ยาก (Hard)"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "ฉบับร่าง (Draft)"
    READY = "ready", "พร้อมใช้ (Ready)"
    HIDDEN = "hidden", "ซ่อน (Hidden)"


class Category(models.Model):
    """A folder of questions owned by one school, or by the area when school is empty."""

    name = models.CharField("ชื่อหมวด", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="หมวดแม่",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    school = models.ForeignKey(
        School,
        verbose_name="โรงเรียนเจ้าของ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="ว่างไว้ = หมวดของเขตพื้นที่ (area-wide)",
    )
    published = models.BooleanField(
        "เผยแพร่ทั้งเขต", default=False, help_text="Shared with every school of the area"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "school", "name"], name="exambank_unique_category_name"
            )
        ]
        verbose_name = "หมวดข้อสอบ"
        verbose_name_plural = "หมวดข้อสอบ"

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))


def visible_to_school(school_id: int | None, prefix: str = "") -> Q:
    """Questions (or categories, with prefix "") a school may use: its own, the
    area's, and any category published area-wide."""
    q = Q(**{f"{prefix}school__isnull": True}) | Q(**{f"{prefix}published": True})
    if school_id is not None:
        q |= Q(**{f"{prefix}school": school_id})
    return q


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey(
        "Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(models.Model):
    """The editable head of a question; versions keep each saved state."""

    category = models.ForeignKey(
        Category, verbose_name="หมวด", on_delete=models.PROTECT, related_name="questions"
    )
    qtype = models.CharField("ชนิด", max_length=16, choices=QType.choices)
    name = models.CharField("ชื่อข้อ", max_length=255, blank=True)
    text = RichTextField("โจทย์", features=["bold", "italic", "ol", "ul", "image", "link"])
    general_feedback = models.TextField("คำอธิบายเฉลย", blank=True)
    data = models.JSONField(
        "คำตอบและตัวเลือก",
        default=dict,
        blank=True,
        help_text="choices/answers as JSON; see exambank.grading for each type",
    )
    default_mark = models.DecimalField("คะแนนเต็ม", max_digits=6, decimal_places=2, default=1)
    status = models.CharField(
        "สถานะ", max_length=8, choices=VersionStatus.choices, default=VersionStatus.READY
    )
    subject_group = models.ForeignKey(
        SubjectGroup, verbose_name="กลุ่มสาระ", null=True, blank=True, on_delete=models.SET_NULL
    )
    grade_level = models.ForeignKey(
        GradeLevel, verbose_name="ระดับชั้น", null=True, blank=True, on_delete=models.SET_NULL
    )
    indicators = models.ManyToManyField(Indicator, verbose_name="ตัวชี้วัด", blank=True)
    difficulty = models.CharField(
        "ความยาก", max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = TaggableManager("แท็ก", through=TaggedQuestion, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category_id", "name", "pk"]
        verbose_name = "ข้อสอบ"
        verbose_name_plural = "ข้อสอบ"

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def latest_version(self, ready_only: bool = False) -> QuestionVersion | None:
        versions = self.versions.all()
        if ready_only:
            versions = versions.filter(status=VersionStatus.READY)
        return versions.order_by("-number").first()


class QuestionVersion(models.Model):
    """One frozen state of a question. Never edited after creation."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=VersionStatus.choices)
    qtype = models.CharField(max_length=16, choices=QType.choices)
    name = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    general_feedback = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    default_mark = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="exambank_unique_version_number"
            )
        ]
        verbose_name = "ฉบับของข้อสอบ"
        verbose_name_plural = "ฉบับของข้อสอบ"

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "คะแนนสูงสุด (Highest)"
    AVERAGE = "average", "คะแนนเฉลี่ย (Average)"
    FIRST = "first", "ครั้งแรก (First attempt)"
    LAST = "last", "ครั้งล่าสุด (Last attempt)"


class FeedbackMode(models.TextChoices):
    DEFERRED = "deferred", "เฉลยเมื่อส่ง (Deferred feedback)"
    IMMEDIATE = "immediate", "เฉลยทันทีทีละข้อ (Immediate feedback)"


class ReviewWhen(models.TextChoices):
    NEVER = "never", "ไม่แสดง (Never)"
    AFTER_SUBMIT = "after_submit", "หลังส่ง (After submitting)"
    AFTER_CLOSE = "after_close", "หลังปิดแบบทดสอบ (After the quiz closes)"


class QuizMode(models.TextChoices):
    FIXED = "fixed", "ข้อสอบชุดเดียว (Fixed questions)"
    BLUEPRINT = "blueprint", "สุ่มตามตารางกำหนดลักษณะข้อสอบ (Blueprint)"


class Quiz(ClusterableModel):
    title = models.CharField("ชื่อแบบทดสอบ", max_length=255)
    intro = models.TextField("คำชี้แจง", blank=True)
    school = models.ForeignKey(
        School,
        verbose_name="โรงเรียน",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="ว่างไว้ = ทุกโรงเรียนในเขต (every school of the area)",
    )
    mode = models.CharField("รูปแบบ", max_length=10, choices=QuizMode.choices, default="fixed")
    open_at = models.DateTimeField("เปิด", null=True, blank=True)
    close_at = models.DateTimeField("ปิด", null=True, blank=True)
    time_limit_seconds = models.PositiveIntegerField("เวลาทำ (วินาที)", default=0)
    grace_seconds = models.PositiveIntegerField("เวลาผ่อนผัน (วินาที)", default=60)
    attempts_allowed = models.PositiveSmallIntegerField(
        "จำนวนครั้งที่ทำได้", default=1, help_text="0 = ไม่จำกัด (unlimited)"
    )
    grading_method = models.CharField(
        "วิธีคิดคะแนน", max_length=8, choices=GradingMethod.choices, default="highest"
    )
    feedback_mode = models.CharField(
        "การให้เฉลย", max_length=10, choices=FeedbackMode.choices, default="deferred"
    )
    review_marks = models.CharField(
        "แสดงคะแนน", max_length=12, choices=ReviewWhen.choices, default="after_submit"
    )
    review_answers = models.CharField(
        "แสดงคำตอบที่ถูก", max_length=12, choices=ReviewWhen.choices, default="after_close"
    )
    review_feedback = models.CharField(
        "แสดงคำอธิบาย", max_length=12, choices=ReviewWhen.choices, default="after_close"
    )
    shuffle_questions = models.BooleanField("สลับข้อ", default=False)
    shuffle_choices = models.BooleanField("สลับตัวเลือก", default=True)
    pass_fraction = models.DecimalField(
        "เกณฑ์ผ่าน (0–1)", max_digits=4, decimal_places=3, default=0.5
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Bumped in the database whenever the quiz's question list could change (a
    # slot or blueprint row edited, a question of the quiz given a new version):
    # the key of its cached snapshot (exambank.snapshot). Never written from a
    # loaded instance, see save_base.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = "แบบทดสอบ"
        verbose_name_plural = "แบบทดสอบ"

    def __str__(self) -> str:
        return self.title

    def save_base(self, *args, update_fields=None, **kwargs):
        """Save everything but ``revision`` on updates.

        The counter moves by ``UPDATE ... revision + 1`` while an admin form or a
        test still holds the quiz loaded earlier; writing that old number back
        would bring an outdated snapshot back to life.
        """
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            update_fields = [
                f.attname for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]  # fmt: skip
        return super().save_base(*args, update_fields=update_fields, **kwargs)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.open_at is None or self.open_at <= now) and (
            self.close_at is None or now < self.close_at
        )

    def is_closed(self, now=None) -> bool:
        return self.close_at is not None and (now or timezone.now()) >= self.close_at


class QuizSlot(models.Model):
    """A fixed question of a quiz; ``version`` pins one, empty follows the latest ready."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveIntegerField("ลำดับ", default=0)
    question = models.ForeignKey(Question, verbose_name="ข้อสอบ", on_delete=models.PROTECT)
    version = models.ForeignKey(
        QuestionVersion,
        verbose_name="ฉบับที่ตรึงไว้",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    mark = models.DecimalField("คะแนน", max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["quiz_id", "order", "pk"]
        verbose_name = "ข้อในแบบทดสอบ"
        verbose_name_plural = "ข้อในแบบทดสอบ"

    def __str__(self) -> str:
        return f"{self.quiz} · {self.order}: {self.question}"


class BlueprintRule(models.Model):
    """ตารางกำหนดลักษณะข้อสอบ: draw ``count`` items of this indicator and difficulty."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="blueprint")
    indicator = models.ForeignKey(
        Indicator, verbose_name="ตัวชี้วัด", null=True, blank=True, on_delete=models.PROTECT
    )
    difficulty = models.CharField("ความยาก", max_length=8, choices=Difficulty.choices, blank=True)
    category = models.ForeignKey(
        Category, verbose_name="หมวด", null=True, blank=True, on_delete=models.PROTECT
    )
    count = models.PositiveSmallIntegerField("จำนวนข้อ", default=1)
    mark = models.DecimalField("คะแนนต่อข้อ", max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["quiz_id", "pk"]
        verbose_name = "แถวของตารางกำหนดลักษณะข้อสอบ"
        verbose_name_plural = "ตารางกำหนดลักษณะข้อสอบ"

    def __str__(self) -> str:
        return f"{self.indicator or '*'} × {self.difficulty or '*'}: {self.count}"

    def narrow(self, questions: models.QuerySet) -> models.QuerySet:
        """The questions this rule may draw from; an empty criterion allows any."""
        if self.indicator_id:
            questions = questions.filter(indicators=self.indicator_id)
        if self.difficulty:
            questions = questions.filter(difficulty=self.difficulty)
        if self.category_id:
            questions = questions.filter(category=self.category_id)
        return questions


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "กำลังทำ (In progress)"
    NEEDS_GRADING = "needs_grading", "รอตรวจ (Needs grading)"
    FINISHED = "finished", "เสร็จสิ้น (Finished)"


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=AttemptState.choices, default="in_progress")
    start_key = models.CharField(max_length=64)
    seed = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    closed_by_timer = models.BooleanField(default=False)
    marks = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_marks = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    score = models.FloatField(null=True, blank=True)  # 0..1
    on_paper = models.BooleanField(default=False)

    class Meta:
        ordering = ["quiz_id", "user_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="exambank_unique_attempt_number"
            ),
            models.UniqueConstraint(fields=["user", "start_key"], name="exambank_unique_start_key"),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="exambank_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]
        verbose_name = "การทำแบบทดสอบ"
        verbose_name_plural = "การทำแบบทดสอบ"

    def __str__(self) -> str:
        return f"{self.quiz} · {self.user} · {self.number}"

    @property
    def hard_deadline(self):
        if self.deadline is None:
            return None
        return self.deadline + timezone.timedelta(seconds=self.quiz.grace_seconds)


class AttemptSlot(models.Model):
    """One question of one attempt: the exact version, its shuffles and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT)
    mark = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    layout = models.JSONField(default=dict)  # shuffled choice ids, etc.
    response = models.JSONField(null=True, blank=True)
    # Last applied client sequence; the page uses milliseconds since 1970, past 32 bits.
    sequence = models.PositiveBigIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    needs_manual = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="exambank_unique_attempt_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.position}"


class ItemAnalysis(models.Model):
    """The latest item analysis of a quiz, computed by a Celery task."""

    quiz = models.OneToOneField(Quiz, on_delete=models.CASCADE, related_name="analysis")
    computed_at = models.DateTimeField(default=timezone.now)
    attempts_used = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = "การวิเคราะห์ข้อสอบ"
        verbose_name_plural = "การวิเคราะห์ข้อสอบ"

    def __str__(self) -> str:
        return f"{self.quiz} ({self.attempts_used})"
