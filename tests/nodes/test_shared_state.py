"""No process-local state that matters: the cache is shared (configured by environment), a node that has
never seen a person answers as one that has, and files go through `default_storage` (a second root)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang import conf
from taizhang.clues.models import Attachment, Clue
from taizhang.core import files
from taizhang.core.errors import ActionError
from taizhang.org import visibility
from taizhang.org.models import Unit, User
from tests.clues.conftest import Walk
from tests.conftest import PERSONAS


def test_the_cache_is_the_database_by_default_and_redis_when_the_url_says_so():
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert conf.cache("redis://10.0.0.5:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.5:6379/1",
    }
    with pytest.raises(conf.ConfigError):
        conf.cache("memcached://x")


def test_the_database_cache_table_is_made_by_migrate_and_shared(db):
    cache.set("taizhang:probe", {"n": 1}, 60)
    # A second cache object (what a second node builds from the same settings) reads the same row.
    other = caches.create_connection("default")
    assert other.get("taizhang:probe") == {"n": 1}


def _answers(world) -> dict[str, tuple[list[int], list[int]]]:
    found = {}
    for key in PERSONAS:
        person = User.objects.get(pk=world.people[key].pk)  # a new request's user object
        found[key] = (
            sorted(Clue.objects.visible_to(person).values_list("pk", flat=True)),
            sorted(Unit.objects.visible_to(person).values_list("pk", flat=True)),
        )
    return found


def test_a_node_that_never_saw_a_person_gives_the_same_answers(world):
    walk = Walk(world)
    walk.assigned()
    walk.triaged()
    walk.assigned(unit="construction")
    warm = _answers(world)
    assert _answers(world) == warm  # the same node, rules held
    assert visibility._rules_of_thread()  # the warm node holds built rules
    # A brand-new node: no built rules in its threads and nothing in the cache.
    visibility._rules.held = {}
    cache.clear()
    fresh = _answers(world)
    assert fresh == warm
    assert any(clues for clues, _units in warm.values()) and any(not c for c, _u in warm.values())


def test_files_go_through_default_storage_a_second_root(world, settings, tmp_path):
    second = tmp_path / "shared-store"
    settings.STORAGES = {**settings.STORAGES, "default": conf.storage(f"file://{second}")}
    clue = Walk(world).triaged()
    body = b"%PDF-1.4 evidence\n" + bytes(range(256))
    client = world.client_for("office_staff")
    media_before = _media(settings)
    client.post(
        reverse("clues:attach", args=[clue.pk]),
        {"file": SimpleUploadedFile("证据.pdf", body, content_type="application/pdf")},
    )
    attachment = Attachment.objects.get(clue=clue)
    on_disk = [p for p in second.rglob("*") if p.is_file()]
    assert [p.name for p in on_disk] == [attachment.sha256]
    assert _media(settings) == media_before  # nothing written to the node's own folder
    assert files.verify(attachment.storage_path, attachment.sha256)
    download = client.get(reverse("clues:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == body
    # Size limits as before, on whichever store.
    with pytest.raises(ActionError):
        files.store([b"x" * 600, b"x" * 600], max_bytes=1024)
    on_disk[0].write_bytes(b"tampered")
    assert not files.verify(attachment.storage_path, attachment.sha256)


def _media(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_storage_paths_outside_the_store_are_refused(db):
    for bad in ("../../etc/passwd", "/etc/passwd", "ab/../../x", ""):
        with pytest.raises(ActionError):
            files.open_file(bad)


def test_s3_storage_from_the_url():
    found = conf.storage("s3://taizhang-files/prod?endpoint_url=http://minio:9000&region=cn-north-1")
    assert found["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["OPTIONS"]["bucket_name"] == "taizhang-files"
    assert found["OPTIONS"]["location"] == "prod" and found["OPTIONS"]["endpoint_url"] == "http://minio:9000"
