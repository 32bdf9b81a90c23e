"""The people API reads through the same visibility as the pages."""

import pytest

from taizhang.clues.actions import SubjectData
from taizhang.people.models import Mention

pytestmark = pytest.mark.django_db


def test_entity_api_by_persona(client, world, ledger):
    own = ledger.assigned(SubjectData(name="张三"), SubjectData(name="李四"), unit="transport")
    hidden = ledger.assigned(SubjectData(name="钱七", is_official=True), unit="discipline", umbrella=True)
    zhang = Mention.objects.get(clue=own, name="张三").entity_id
    qian = Mention.objects.get(clue=hidden).entity_id
    client.force_login(world.people["office_staff"])
    rows = client.get("/api/people/entities", {"q": "张三"}).json()
    assert [r["name"] for r in rows] == ["张三"]
    body = client.get(f"/api/people/entities/{zhang}").json()
    assert body["clues"] == [{"number": own.number, "roles": ["被举报人"]}]
    graph = client.get(f"/api/people/entities/{zhang}/graph", {"depth": 2}).json()
    assert len(graph["nodes"]) == 2
    assert client.get(f"/api/people/entities/{qian}").status_code == 404
    assert client.get(f"/api/people/entities/{qian}/graph").status_code == 404
    client.force_login(world.people["office_leader"])
    assert client.get(f"/api/people/entities/{qian}").json()["clues"][0]["roles"] == ["保护伞嫌疑"]
    client.force_login(world.people["handler"])
    assert client.get("/api/people/entities").status_code == 404
