"""The governance world of tests/organisations (two communities of one street, staff, street
admins, 组织部, residents), with helpers for talents, candidates, the ledger and xlsx files."""
import io

import pytest

from tests.organisations.conftest import World


class TalentWorld(World):
    def talent(self, who="staff1", expect=201, community=None, **extra):
        body = {"community_id": community or self.c1, "name": "张建国", "birth_year": 1958,
                "former_field": "教育", "expertise": ["宣讲"], "former_unit": "古湖中学",
                "party_member": True, "willing": ["担任小区党组织书记"],
                "phone": "13912345678", **extra}
        return self.post("/talents", who, body, expect)

    def party_org(self, compound="garden", who="staff1"):
        return self.body("compound_party", (compound,), who=who, name="观湖花园党支部")["id"]

    def nominate(self, org, who="staff1", expect=201, **body):
        return self.post(f"/compound-party-orgs/{org}/candidates", who,
                         {"source": "self", **body}, expect)

    def checks(self, org, cid, items, who="staff1", expect=200):
        return self.post(f"/compound-party-orgs/{org}/candidates/{cid}/checks", who,
                         {"items": [{"item": i, "result": r} for i, r in items.items()]},
                         expect)

    def registration(self, name, community=None, status="approved"):
        """An approved 双报到 registration of the user `name` in the community."""
        from app.extensions import db
        from app.party.models import PartyRegistration

        with self.app.app_context():
            reg = PartyRegistration(user_id=self.users[name], community_id=community or self.c1,
                                    unit_name="区教育局党委", roles="volunteer", status=status)
            db.session.add(reg)
            db.session.commit()
            return reg.id

    def set_phone(self, name, phone):
        from app.auth.models import User
        from app.extensions import db

        with self.app.app_context():
            db.session.get(User, self.users[name]).phone = phone
            db.session.commit()

    def count(self, model, **where):
        import sqlalchemy as sa

        from app.extensions import db

        with self.app.app_context():
            stmt = sa.select(sa.func.count()).select_from(model)
            for key, value in where.items():
                stmt = stmt.where(getattr(model, key) == value)
            return db.session.scalar(stmt)

    def import_xlsx(self, path, who, data, community=None, dry_run=False, name="register.xlsx"):
        """POST the file to the import, multipart built in memory (the test client would
        spool a large body to a temporary file it never closes)."""
        from werkzeug.datastructures import FileStorage
        from werkzeug.test import encode_multipart

        query = f"community_id={community or self.c1}&dry_run={'true' if dry_run else 'false'}"
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
        return self.client.post(f"/api/v1/imports/{path}?{query}", headers=self.h(who),
                                data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")


def xlsx(rows: list[list]) -> bytes:
    """An .xlsx workbook whose first sheet holds `rows` (the first one the header)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


ALL_MET = {"political_quality": "met", "work_style": "met", "age_fit": "met",
           "public_trust": "met", "capability": "met", "discipline_violation": "clear",
           "criminal_record": "clear", "dishonest_or_gang": "clear"}


@pytest.fixture
def world(app, client, login, make_user):
    return TalentWorld(app, client, login, make_user)
