"""Periodic work of this app (plain data, read by settings)."""

BEAT_SCHEDULE = {
    "live-schedule": {"task": "live.tasks.live_schedule_task", "schedule": 60.0},
}
