"""The header caches the section pages' titles and addresses (khlang.navigation);
any change to a section page's publication, place or existence forgets them."""


def forget_sections_on_page_change(sender, instance=None, **kwargs) -> None:
    from core.models import SectionPage

    from .navigation import forget_sections

    if instance is None or isinstance(instance.specific_deferred, SectionPage):
        forget_sections()


def register() -> None:
    """Connect the project's receivers; called once from KhlangConfig.ready."""
    from django.db.models.signals import post_delete
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from core.models import SectionPage

    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(forget_sections_on_page_change, dispatch_uid=f"khlang-sections-{name}")
    post_delete.connect(
        forget_sections_on_page_change, sender=SectionPage, dispatch_uid="khlang-sections-delete"
    )
