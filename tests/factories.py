"""Factories for units and people; tests build workflow state by calling real actions."""

from __future__ import annotations

import factory

from taizhang.org.choices import UnitKind
from taizhang.org.models import Role, Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.MEMBER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"人员{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def role_codes(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted:
                self.roles.set(Role.objects.filter(code__in=extracted))
