"""Helpers for the time bank tests: users with points, tokens, the ledger's checks."""
import pytest
import sqlalchemy as sa


class Bank:
    """Builds ledger fixtures through the service layer (never by writing balances)."""

    def __init__(self, app):
        self.app = app
        self._communities: dict[str, int] = {}
        self._n = 0

    def _session(self):
        from app.extensions import db

        return db.session

    def community(self, name: str = "测试社区") -> int:
        if name not in self._communities:
            from app.community.models import Community, Street

            with self.app.app_context():
                s = self._session()
                street = s.scalar(sa.select(Street).where(Street.name == "测试街道"))
                if street is None:
                    street = Street(name="测试街道")
                    s.add(street)
                    s.flush()
                community = Community(street_id=street.id, name=name)
                s.add(community)
                s.commit()
                self._communities[name] = community.id
        return self._communities[name]

    def user(self, openid: str | None = None, points: int = 0, roles=()) -> int:
        from app.auth.models import RoleGrant, User
        from app.timebank import service

        self._n += 1
        openid = openid or f"tb-user-{self._n}"
        community_id = self.community()
        with self.app.app_context():
            s = self._session()
            user = User(openid=openid, nickname=f"用户{self._n}")
            s.add(user)
            s.flush()
            for role, scope in roles:
                s.add(RoleGrant(user_id=user.id, role=role, **scope))
            if points:
                service.grant_from_community(community_id=community_id, user_id=user.id,
                                             points=points, key=f"test:grant:{user.id}")
            s.commit()
            return user.id

    def headers(self, user_id: int) -> dict:
        from app.auth.models import User
        from app.auth.tokens import issue_token

        with self.app.app_context():
            token, _ = issue_token(self._session().get(User, user_id))
            self._session().commit()
        return {"Authorization": f"Bearer {token}"}

    def balance(self, user_id: int) -> int:
        from app.timebank import service

        with self.app.app_context():
            return service.balance(user_id)

    def scalar(self, stmt):
        with self.app.app_context():
            return self._session().scalar(stmt)

    def count(self, model, *where) -> int:
        return self.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    def verify(self) -> dict:
        from app.timebank.verify import verify

        with self.app.app_context():
            return verify()


@pytest.fixture
def bank(app):
    return Bank(app)
