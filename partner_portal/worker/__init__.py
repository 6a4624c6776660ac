"""The background task worker: django_tasks_db's worker, which survives database
restarts and writes a heartbeat that /healthz/full reads (`manage.py task_worker`)."""
