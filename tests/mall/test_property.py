"""A hypothesis state machine drives random gifts, shift credits, redemptions, cancellations,
write-offs, reversals and replayed keys through the service layer, and after every step
checks balances, stock and the whole ledger against a plain in-memory model."""
import pytest
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)

from app.auth.models import User
from app.errors import ApiError
from app.extensions import db
from app.mall import service as mall
from app.mall.models import MallItem, Voucher
from app.timebank import service
from app.timebank.verify import verify

USERS = 4


class LedgerMachine(RuleBasedStateMachine):
    app = None
    bank = None
    runs = 0

    vouchers = Bundle("vouchers")
    transfers = Bundle("transfers")

    def __init__(self):
        super().__init__()
        LedgerMachine.runs += 1
        self.run = LedgerMachine.runs
        self.ctx = self.app.app_context()
        self.ctx.push()
        self.keys = 0

    def teardown(self):
        db.session.rollback()
        db.session.remove()
        self.ctx.pop()

    def key(self) -> str:
        self.keys += 1
        return f"sm:{self.run}:{self.keys}"

    @initialize(start=st.lists(st.integers(0, 60), min_size=USERS, max_size=USERS),
                stock=st.integers(0, 4), limit=st.none() | st.integers(1, 3))
    def setup(self, start, stock, limit):
        self.community = self.bank.community()
        self.users = [self.bank.user(points=p) for p in start]
        self.balance = dict(zip(self.users, start, strict=True))
        member = self.bank.user()
        self.member_user = db.session.get(User, member)
        merchant = self.bank.merchant(name=f"商家{self.run}", members=[member])
        self.items = {self.bank.item(merchant, price_points=7, stock=stock,
                                     per_user_limit=limit): {"stock": stock, "limit": limit,
                                                             "price": 7}}
        self.merchant = merchant
        self.merchant_balance = 0
        self.active = {}  # (user, item) -> count of issued or used vouchers
        self.reversed = set()

    def _commit_or_refuse(self, fn, ok: bool, code: str):
        try:
            result = fn()
        except ApiError as err:
            db.session.rollback()
            assert not ok, f"refused unexpectedly: {err.code}"
            assert err.code == code, err.code
            return None
        assert ok, f"{code} expected"
        db.session.commit()
        return result

    @rule(target=transfers, i=st.integers(0, USERS - 1), j=st.integers(0, USERS - 1),
          amount=st.integers(1, 40))
    def gift(self, i, j, amount):
        a, b = self.users[i], self.users[j]
        if a == b:
            return multiple()
        ok = self.balance[a] >= amount
        t = self._commit_or_refuse(lambda: service.transfer_between_users(
            from_user_id=a, to_user_id=b, amount=amount, key=self.key()), ok,
            "insufficient_points")
        if t is None:
            return multiple()
        self.balance[a] -= amount
        self.balance[b] += amount
        return (t.id, a, b, amount)

    @rule(target=transfers, i=st.integers(0, USERS - 1), points=st.integers(1, 30))
    def shift(self, i, points):
        uid = self.users[i]
        t = self._commit_or_refuse(lambda: service.credit_shift(
            community_id=self.community, user_id=uid, points=points, key=self.key(),
            ref="attendance:0"), True, "")
        self.balance[uid] += points
        return (t.id, None, uid, points)

    @rule(i=st.integers(0, USERS - 1), j=st.integers(0, USERS - 1))
    def replayed_key_changes_nothing(self, i, j):
        a, b = self.users[i], self.users[j]
        if a == b or self.balance[a] < 1:
            return
        key = self.key()
        for _ in range(2):
            service.transfer_between_users(from_user_id=a, to_user_id=b, amount=1, key=key)
            db.session.commit()
        self.balance[a] -= 1
        self.balance[b] += 1

    @rule(target=vouchers, i=st.integers(0, USERS - 1))
    def redeem(self, i):
        uid = self.users[i]
        item_id, item = next(iter(self.items.items()))
        if item["stock"] == 0:
            ok, code = False, "out_of_stock"
        elif item["limit"] is not None and self.active.get((uid, item_id), 0) >= item["limit"]:
            ok, code = False, "limit_reached"
        else:
            ok, code = self.balance[uid] >= item["price"], "insufficient_points"
        result = self._commit_or_refuse(
            lambda: mall.redeem(user_id=uid, item_id=item_id), ok, code)
        if result is None:
            return multiple()
        voucher, balance = result
        item["stock"] -= 1
        self.balance[uid] -= item["price"]
        self.merchant_balance += item["price"]
        self.active[(uid, item_id)] = self.active.get((uid, item_id), 0) + 1
        assert balance == self.balance[uid]
        return (voucher.id, uid, item_id)

    @rule(v=consumes(vouchers))
    def cancel(self, v):
        voucher_id, uid, item_id = v
        voucher, refund = mall.close_voucher(voucher_id, "cancelled")
        db.session.commit()
        assert refund is not None and voucher.status == "cancelled"
        item = self.items[item_id]
        item["stock"] += 1
        self.balance[uid] += item["price"]
        self.merchant_balance -= item["price"]
        self.active[(uid, item_id)] -= 1
        _, again = mall.close_voucher(voucher_id, "cancelled")
        assert again is None

    @rule(v=consumes(vouchers))
    def write_off(self, v):
        voucher_id, _, _ = v
        code = db.session.get(Voucher, voucher_id).code
        voucher, expired = mall.write_off(self.member_user, code)
        db.session.commit()
        assert not expired and voucher.status == "used"
        with pytest.raises(ApiError):
            mall.write_off(self.member_user, code)
        db.session.rollback()

    @rule(t=transfers)
    def reverse(self, t):
        transfer_id, payer, payee, amount = t
        if transfer_id in self.reversed:
            service.reverse(transfer_id=transfer_id)  # the same reversal, nothing moves
            db.session.commit()
            return
        ok = self.balance[payee] >= amount
        done = self._commit_or_refuse(lambda: service.reverse(transfer_id=transfer_id), ok,
                                      "insufficient_points")
        if done is None:
            return
        self.reversed.add(transfer_id)
        self.balance[payee] -= amount
        if payer is not None:
            self.balance[payer] += amount

    @invariant()
    def matches_the_model(self):
        if not hasattr(self, "users"):
            return
        for uid, expected in self.balance.items():
            assert service.balance(uid) == expected, uid
            assert expected >= 0
        assert service.merchant_account(self.merchant).balance == self.merchant_balance
        for item_id, item in self.items.items():
            assert db.session.scalar(sa.select(MallItem.stock).where(
                MallItem.id == item_id)) == item["stock"]
        report = verify()
        assert report["ok"], report["problems"][:5]
        db.session.rollback()


def test_ledger_matches_an_in_memory_model_after_every_step(app, bank):
    from hypothesis.stateful import run_state_machine_as_test

    LedgerMachine.app, LedgerMachine.bank = app, bank
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=30, stateful_step_count=25, deadline=None))
