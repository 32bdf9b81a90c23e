"""The passphrase hash profile: RFC 9106's low-memory profile by default, never below OWASP's minimum, older
hashes still open (and are upgraded), and every failure costs the same hashes whichever profile a receipt has."""

from __future__ import annotations

import os
import threading

import pytest
from argon2 import PasswordHasher
from django.urls import reverse

from taizhang.portal import credentials
from taizhang.portal.models import Receipt
from tests.portal.helpers import open_followup, receipt_of, submit

OWASP = "m=19456,t=2,p=1"
RFC9106 = "m=65536,t=3,p=4"


@pytest.fixture
def rfc9106(settings):
    """The shipped default: the suite's settings pin OWASP's minimum for speed, so drop them here."""
    for name in ("PORTAL_ARGON2_MEMORY_KIB", "PORTAL_ARGON2_TIME_COST", "PORTAL_ARGON2_PARALLELISM"):
        delattr(settings, name)


@pytest.fixture
def verified(monkeypatch):
    """The parameters of every hash verified, in order."""
    seen: list[str] = []
    real = PasswordHasher.verify

    def counting(self, hash_, password):
        seen.append(hash_.split("$")[3])
        return real(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def test_the_default_is_rfc_9106_low_memory(rfc9106, monkeypatch):
    for name in ("MEMORY_KIB", "TIME_COST", "PARALLELISM"):
        monkeypatch.delenv(f"TAIZHANG_PORTAL_ARGON2_{name}", raising=False)
    assert credentials.current_profile() == (65536, 3, 4)
    assert credentials.hash_passphrase("a passphrase here").startswith(f"$argon2id$v=19${RFC9106}$")


def test_the_profile_comes_from_the_environment_and_is_floored(rfc9106, monkeypatch):
    monkeypatch.setenv("TAIZHANG_PORTAL_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("TAIZHANG_PORTAL_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("TAIZHANG_PORTAL_ARGON2_PARALLELISM", "0")
    assert credentials.current_profile() == (19456, 2, 1)
    monkeypatch.setenv("TAIZHANG_PORTAL_ARGON2_MEMORY_KIB", "32768")
    monkeypatch.setenv("TAIZHANG_PORTAL_ARGON2_PARALLELISM", "2")
    assert credentials.hash_passphrase("a passphrase here").startswith("$argon2id$v=19$m=32768,t=2,p=2$")


def test_a_receipt_hashed_at_owasp_minimum_still_opens_and_is_upgraded(world, client, settings):
    code, passphrase = receipt_of(submit(client))
    assert Receipt.objects.get(code=code).passphrase_hash.startswith(f"$argon2id$v=19${OWASP}$")
    for name in ("PORTAL_ARGON2_MEMORY_KIB", "PORTAL_ARGON2_TIME_COST", "PORTAL_ARGON2_PARALLELISM"):
        delattr(settings, name)
    assert open_followup(client, code, "not-the-passphrase").status_code == 400
    assert Receipt.objects.get(code=code).passphrase_hash.startswith(f"$argon2id$v=19${OWASP}$")
    opened = open_followup(client, code, passphrase)
    assert opened.status_code == 302
    upgraded = Receipt.objects.get(code=code).passphrase_hash
    assert upgraded.startswith(f"$argon2id$v=19${RFC9106}$")
    assert credentials.verify_passphrase(upgraded, passphrase)
    client.post(reverse("portal:close"))
    assert open_followup(client, code, passphrase).status_code == 302  # and opens again under the new hash


def test_every_failure_costs_one_hash_under_each_profile(world, client, settings, verified):
    old_code, _old = receipt_of(submit(client))  # hashed at OWASP's minimum (the suite's settings)
    for name in ("PORTAL_ARGON2_MEMORY_KIB", "PORTAL_ARGON2_TIME_COST", "PORTAL_ARGON2_PARALLELISM"):
        delattr(settings, name)
    new_code, _new = receipt_of(submit(client))  # hashed under RFC 9106's profile
    assert Receipt.objects.get(code=new_code).passphrase_hash.startswith(f"$argon2id$v=19${RFC9106}$")
    unknown = next(c for c in ("1" * 16, "2" * 16) if c not in (old_code, new_code))
    answers = []
    for code in (old_code, new_code, unknown):
        verified.clear()
        answers.append(open_followup(client, code, "not-the-passphrase"))
        assert sorted(verified) == [OWASP, RFC9106], code
    assert {r.status_code for r in answers} == {400}
    assert len({r.content.decode().count("回执码或查询密码不正确") for r in answers}) == 1


def test_at_the_floor_a_check_costs_one_hash(world, client, verified):
    code, _passphrase = receipt_of(submit(client))
    open_followup(client, code, "not-the-passphrase")
    open_followup(client, "3" * 16, "not-the-passphrase")
    assert verified == [OWASP, OWASP]


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a POSIX feature")
def test_hashes_run_on_threads_of_lower_priority_than_the_request(monkeypatch):
    """A submission's hash waits for spare CPU rather than slowing everyone else's pages."""
    seen: list[tuple[int, int]] = []
    real = PasswordHasher.hash

    def spy(self, secret, **kwargs):
        tid = threading.get_native_id()
        seen.append((tid, os.getpriority(os.PRIO_PROCESS, tid)))
        return real(self, secret, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", spy)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    stored = credentials.hash_passphrase("a passphrase here")
    assert credentials.verify_passphrase(stored, "a passphrase here")
    assert seen and all(tid != threading.get_native_id() for tid, _nice in seen)
    assert all(nice == min(19, mine + credentials.HASH_NICENESS) for _tid, nice in seen)
