"""The governance world with 观湖花园 under trust property: its owners' committee (`liu`,
`chen`), property company (`zhou`, `wang`), `both` sitting on the two, a party branch member
(`party`), and the co-managed account opened by staff."""
import uuid
from datetime import timedelta

import pytest

from app.common.timeutil import utcnow
from tests.organisations.conftest import World


class Trust(World):
    def __init__(self, *args):
        super().__init__(*args)
        party, owners, company = self.three_bodies()
        self.owners, self.company = owners, company
        for name in ("liu", "chen", "both"):
            self.seat(owners, name)
        for name in ("zhou", "wang", "both"):
            self.seat(company, name)
        self.seat(party, "party")
        self.account = self.post(f"/compounds/{self.compounds['garden']}/trust-account",
                                 "staff1", {"bank_name": "古湖农商银行", "account_tail": "2046"},
                                 201)["id"]

    def entry(self, who="zhou", expect=201, **fields):
        body = {"kind": "income", "category": "property_fee", "amount_fen": 100000,
                "counterparty": "业主", "occurred_on": str(self.today()), **fields}
        return self.post(f"/trust-accounts/{self.account}/entries", who, body, expect,
                         headers={"Idempotency-Key": uuid.uuid4().hex})

    def cosign(self, entry_id, who="liu", expect=200):
        return self.post(f"/trust-accounts/{self.account}/entries/{entry_id}/cosign", who, {},
                         expect)

    def counted(self, who="zhou", cosigner="liu", **fields):
        return self.cosign(self.entry(who, **fields)["id"], cosigner)

    def balance(self, who="staff1"):
        return self.get(f"/trust-accounts/{self.account}", who)["balance_fen"]

    def today(self):
        from app.trust.service import local_day

        return local_day(utcnow())

    def last_month(self):
        return (self.today().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def world(app, client, login, make_user):
    return Trust(app, client, login, make_user)
