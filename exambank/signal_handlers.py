"""The exam bank's receivers, connected once from ExambankConfig.ready.

Question HTML is cleaned on every save whatever path writes it (exambank.sanitise);
quiz snapshots move to a new revision when a version, slot or blueprint row changes
(exambank.snapshot).
"""


def register() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from .models import BlueprintRule, Question, QuestionVersion, QuizSlot
    from .sanitise import clean_question_html
    from .snapshot import slot_changed, version_saved

    for model in (Question, QuestionVersion):
        pre_save.connect(clean_question_html, sender=model, dispatch_uid=f"clean-{model.__name__}")
    post_save.connect(version_saved, sender=QuestionVersion, dispatch_uid="exambank-snap-v")
    for model in (QuizSlot, BlueprintRule):
        for signal in (post_save, post_delete):
            uid = f"exambank-snap-{model.__name__}"
            signal.connect(slot_changed, sender=model, dispatch_uid=uid)
