"""The governance world with a 大党委 for 观湖社区: a party branch secretary and a property
manager with accounts (members `chen` and `zhou`), and a unit's representative without one."""
from datetime import timedelta

import pytest

from app.common.timeutil import utcnow
from tests.organisations.conftest import World


class Committee(World):
    def __init__(self, *args):
        super().__init__(*args)
        party = self.body("compound_party")["id"]
        company = self.body("property_company")["id"]
        self.seat(party, "chen", role="head")
        self.seat(company, "zhou", role="head")
        path = f"/communities/{self.c1}/committee/members"
        joined = str((utcnow() - timedelta(days=400)).date())
        self.m_chen = self.post(path, "staff1", {
            "user_id": self.users["chen"], "name": "陈建华", "unit": "观湖花园党支部",
            "position": "书记", "kind": "compound_party", "body_id": party,
            "joined_on": joined}, 201)["id"]
        self.m_zhou = self.post(path, "staff1", {
            "user_id": self.users["zhou"], "name": "周立新", "unit": "观湖物业",
            "position": "项目经理", "kind": "property", "body_id": company,
            "joined_on": joined}, 201)["id"]
        self.m_unit = self.post(path, "staff1", {
            "name": "张志强", "unit": "区住建局", "position": "副局长", "kind": "unit",
            "joined_on": joined}, 201)["id"]

    def meeting(self, days_ago=7, who="staff1", expect=201, community=None, agenda=None):
        held = utcnow() - timedelta(days=days_ago)
        return self.post("/meetings", who, {
            "community_id": community or self.c1, "held_at": held.isoformat(),
            "title": "第三季度大党委会议",
            "agenda": agenda if agenda is not None else [
                {"title": "3栋雨棚漏水", "feedback_id": 12},
                {"title": "老旧院落改造清单", "renovation_id": 3}]}, expect)

    def project(self, meeting_id=None, owner=None, due_in=30, title="修复3栋雨棚"):
        meeting_id = meeting_id or self.meeting()["id"]
        due = (utcnow() + timedelta(days=due_in)).date()
        return self.post(f"/meetings/{meeting_id}/resolutions", "staff1", {
            "title": title, "owner_member_id": owner or self.m_zhou, "due_on": str(due)}, 201)


@pytest.fixture
def world(app, client, login, make_user):
    return Committee(app, client, login, make_user)
