"""The language menu names each language in itself: English, not 英语."""

from __future__ import annotations


def test_the_language_menu_names_each_language_in_itself(client, db) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">English<" in html and "英语" not in html
    assert ">繁體中文<" in html and ">简体中文<" in html
