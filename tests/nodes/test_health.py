"""/healthz, /readyz (database, cache, file store; replica and worker as warnings) and the protected /metrics;
logs as JSON lines carrying the request id."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.utils import timezone

from taizhang.jobs import runner


def test_healthz_answers_without_a_session(client, transactional_db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_and_files_and_warns_of_a_missing_worker(client, transactional_db):
    response = client.get("/readyz", HTTP_ACCEPT="application/json")
    body = response.json()
    assert response.status_code == 200, body
    assert body["Database(alias='default')"] == "OK" and body["FilesWritable()"] == "OK"
    assert "Warning" in body["WorkerHeartbeat()"]
    runner.beat_worker("node-a:1")
    assert client.get("/readyz", HTTP_ACCEPT="application/json").json()["WorkerHeartbeat()"] == "OK"


def test_readyz_fails_when_the_file_store_is_not_writable(client, transactional_db, settings, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    response = client.get("/readyz", HTTP_ACCEPT="application/json")
    assert response.status_code == 500 and response.json()["FilesWritable()"] != "OK"


def test_a_stale_worker_is_a_warning(client, transactional_db, settings):
    runner.beat_worker("node-a:1", timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 5))
    body = client.get("/readyz", HTTP_ACCEPT="application/json").json()
    assert "Warning" in body["WorkerHeartbeat()"]


def test_metrics_need_the_token_or_a_system_administrator(client, world, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert world.client_for("office_leader").get("/metrics").status_code == 404
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    text = response.content.decode()
    assert response.status_code == 200
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "django_http_responses_total_by_status_view_method" in text
    assert 'taizhang_jobs{status="queued"}' in text and "taizhang_worker_heartbeat_age_seconds" in text
    # A system administrator may look from the browser, once through the second factor their role requires.
    assert "/accounts/2fa/" in world.client_for("sysadmin").get("/metrics")["Location"]


def test_no_token_configured_means_no_anonymous_metrics(client, transactional_db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_log_lines_are_json_with_the_request_id(client, transactional_db, settings):
    from pythonjsonlogger.json import JsonFormatter

    from taizhang.core.logs import RequestIdFilter

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    spec = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(**spec))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="abcdef0123456789")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "abcdef0123456789"
    lines = [json.loads(line) for line in records]
    assert lines and all(line["request_id"] == "abcdef0123456789" for line in lines)
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "django.request" and "time" in lines[0]
