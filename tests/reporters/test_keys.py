"""`taizhang keys rotate`: everything re-encrypted under a new key, resumable, old backups still readable."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from taizhang.clues.models import Reporter
from taizhang.core import sealing
from taizhang.reporters import rotation
from tests.reporters.helpers import NAME, portal_clue


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "identity.key"
    path.write_text(sealing.generate_key() + "\n")
    settings.IDENTITY_KEY = ""
    settings.IDENTITY_KEY_FILE = str(path)
    sealing.reset_keyring_cache()
    yield path
    sealing.reset_keyring_cache()


def test_rotation_round_trip_and_old_backups_stay_readable(world, key_file):
    clues = [portal_clue() for _ in range(3)]
    old_key, _ = sealing.keyring()
    old_kid = sealing.key_id(old_key)
    backup = {r.pk: r.sealed_identity for r in Reporter.objects.all()}
    assert all(sealing.sealed_key_id(v) == old_kid for v in backup.values())

    out = io.StringIO()
    call_command("keys", "rotate", stdout=out, stderr=io.StringIO())
    new_key, known = sealing.keyring()
    new_kid = sealing.key_id(new_key)
    assert new_kid != old_kid and set(known) == {new_kid, old_kid}
    lines = key_file.read_text().splitlines()
    assert sealing.key_id(sealing._decode_key(lines[0])) == new_kid and len(lines) == 2
    for reporter in Reporter.objects.all():
        assert sealing.sealed_key_id(reporter.sealed_identity) == new_kid
        assert reporter.sealed_identity != backup[reporter.pk]
        assert sealing.open_sealed(reporter.sealed_identity)["name"] == NAME
        # The backup opens with the old key alone, and the new ciphertext does not.
        assert sealing.open_sealed(backup[reporter.pk], keys={old_kid: old_key})["name"] == NAME
        with pytest.raises(sealing.SealError):
            sealing.open_sealed(reporter.sealed_identity, keys={old_kid: old_key})
    assert "re-encrypted 3 identities" in out.getvalue()
    assert len(clues) == 3


def test_rotation_resumes_after_an_interruption(world, key_file, monkeypatch):
    for _ in range(5):
        portal_clue()
    real = sealing.reseal
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sealing, "reseal", flaky)
    with pytest.raises(KeyboardInterrupt):
        call_command("keys", "rotate", "--batch", "2", stdout=io.StringIO(), stderr=io.StringIO())
    current = sealing.key_id(sealing.keyring()[0])
    assert rotation.pending(current).count() == 3  # the first batch of 2 committed, the second rolled back
    monkeypatch.setattr(sealing, "reseal", real)
    out = io.StringIO()
    call_command("keys", "rotate", "--resume", stdout=out, stderr=io.StringIO())
    assert sealing.key_id(sealing.keyring()[0]) == current and rotation.pending(current).count() == 0
    assert "re-encrypted 3 identities" in out.getvalue()
    assert all(sealing.open_sealed(r.sealed_identity)["name"] == NAME for r in Reporter.objects.all())


def test_rotation_refuses_a_key_from_the_environment(world, key_file, settings):
    settings.IDENTITY_KEY = sealing.generate_key()
    with pytest.raises(CommandError):
        call_command("keys", "rotate", stdout=io.StringIO(), stderr=io.StringIO())


def test_status_lists_keys_in_use(world, key_file):
    portal_clue()
    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    assert "1 identities (current)" in out.getvalue()


def test_a_tampered_identity_is_refused(world, key_file):
    portal_clue()
    sealed = Reporter.objects.get().sealed_identity
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(tampered)


def test_a_reset_keyring_keeps_no_cipher_of_an_old_key():
    """Ciphers are kept per key for bulk sealing; resetting the keyring (as rotation does) drops them all."""
    key = bytes(range(32))
    sealed = sealing.seal({"name": NAME}, key=key)
    assert sealing.sealed_key_id(sealed)
    assert sealing._cipher.cache_info().currsize >= 1
    sealing.reset_keyring_cache()
    assert sealing._cipher.cache_info().currsize == 0
