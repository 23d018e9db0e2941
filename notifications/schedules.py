"""Periodic work of this app (plain data, read by settings)."""

BEAT_SCHEDULE = {
    "notifications-quiz-reminders": {
        "task": "notifications.tasks.quiz_reminders_task",
        "schedule": 900.0,
    },
}
