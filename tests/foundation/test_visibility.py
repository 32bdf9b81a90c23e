"""The tree visibility rule: an office sees its level and below; a member unit only itself; 404 otherwise."""

from django.urls import reverse

from taizhang.org.models import Unit


def test_city_office_sees_the_whole_tree(world):
    visible = set(Unit.objects.visible_to(world.people["office_staff"]).values_list("code", flat=True))
    assert visible == {u.code for u in world.units.values()}


def test_district_office_sees_only_its_subtree(world):
    visible = set(Unit.objects.visible_to(world.people["district_staff"]).values_list("code", flat=True))
    assert visible == {"DIST", "DGA"}


def test_member_unit_sees_only_itself(world):
    visible = list(Unit.objects.visible_to(world.people["liaison"]).values_list("code", flat=True))
    assert visible == ["JT"]


def test_anonymous_and_unitless_see_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Unit.objects.visible_to(AnonymousUser()).exists()
    nobody = django_user_model.objects.create_user("nobody", password="x-very-long-pw")
    assert not Unit.objects.visible_to(nobody).exists()


def test_office_role_held_outside_an_office_gives_no_subtree(world):
    liaison = world.people["liaison"]
    liaison.roles.add(
        *__import__("taizhang.org.models", fromlist=["Role"]).Role.objects.filter(code="office_staff")
    )
    liaison = type(liaison).objects.get(pk=liaison.pk)
    assert list(Unit.objects.visible_to(liaison).values_list("code", flat=True)) == ["JT"]


def test_moving_a_unit_moves_its_subtree(world):
    district, police = world.units["district"], world.units["district_police"]
    district.parent = world.units["transport"]
    district.save()
    police.refresh_from_db()
    assert police.path.startswith(world.units["transport"].path)
    assert police.depth == 3


def test_api_units_follow_the_rule(world):
    response = world.client_for("district_staff").get("/api/org/units")
    assert response.status_code == 200
    assert {u["code"] for u in response.json()} == {"DIST", "DGA"}


def test_unit_list_page_follows_the_rule(world):
    response = world.client_for("liaison").get(reverse("org:units"))
    assert response.status_code == 200
    assert "测试市交通运输局" in response.content.decode()
    assert "测试市住建局" not in response.content.decode()
