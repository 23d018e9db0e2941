from django.core.management.base import BaseCommand

from core.demo import demo_logins_text, load_demo


class Command(BaseCommand):
    help = "โหลดข้อมูลตัวอย่างครั้งเดียว / Load the demo content once, then print the demo logins"

    def handle(self, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS("โหลดข้อมูลตัวอย่างแล้ว / demo content loaded"))
        else:
            self.stdout.write("ข้อมูลตัวอย่างมีอยู่แล้ว / demo content already loaded")
        self.stdout.write(demo_logins_text())
