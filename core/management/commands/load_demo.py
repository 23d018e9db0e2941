from django.core.management.base import BaseCommand

from core.demo import demo_logins_text, load_demo
from core.i18n import bilingual, bilingual_lazy


class Command(BaseCommand):
    help = bilingual_lazy("Load the demo content once, then print the demo logins")

    def handle(self, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS(bilingual("demo content loaded")))
        else:
            self.stdout.write(bilingual("demo content already loaded"))
        self.stdout.write(demo_logins_text())
