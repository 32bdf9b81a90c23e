"""core.access.allowed_url: a page without arguments is looked up once, and still asked the person's check."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from taizhang.core.access import allowed_url, may_open

pytestmark = pytest.mark.django_db


def _names_without_arguments() -> list[str]:
    """Every named page of the URLconf that takes no argument ("app:name")."""
    names = []

    def walk(resolver, prefix: str) -> None:
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                try:
                    reverse(prefix + name)
                except NoReverseMatch:
                    continue
                names.append(prefix + name)
        for namespace, (_pattern, sub) in resolver.namespace_dict.items():
            walk(sub, f"{prefix}{namespace}:")

    walk(get_resolver(), "")
    return sorted(set(names))


def test_every_page_is_offered_exactly_when_its_own_check_lets_the_person_in(world):
    names = _names_without_arguments()
    assert len(names) > 50
    refused = 0
    for key, user in world.people.items():
        for name in names:
            url = reverse(name)
            expected = url if may_open(user, url) else ""
            assert allowed_url(user, name) == expected, (key, name)
            refused += not expected
    assert refused  # some pages refuse some people
    assert allowed_url(None, "clues:list") == ""
    assert allowed_url(world.people["office_staff"], "no:such-page") == ""
