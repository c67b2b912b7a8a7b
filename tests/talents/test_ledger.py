"""The owners' party-member ledger: sources (双报到 in the app or on the roster, 流动党员,
网格摸排), people merged across sources by user and phone, and the mismatch check."""


def _entry(world, compound="garden", who="staff1", expect=201, **body):
    return world.post("/party-ledger", who, {"compound_id": world.compounds[compound],
                                             "source": "grid", **body}, expect)


def _mismatch_world(world):
    """A: registered in the app and found by the grid (by phone): fine.
    B: found by the grid only: not registered. C: floating only: not in the grid data.
    D: registered in the app only (lives in the courtyard): not in the grid data.
    E: floating and grid, no phone (matched by name in the compound): fine."""
    world.set_phone("r_garden", "13900000001")
    world.set_phone("r_courtyard", "13900000003")
    world.registration("r_garden")
    world.registration("r_courtyard")
    world.registration("r_c2", community=world.c2)  # another community's
    world.registration("r_garden2", status="pending")  # not approved: not registered
    _entry(world, name="张阿姨", phone="13900000001")
    _entry(world, name="孙卫东", phone="13700000009")
    _entry(world, name="钱芳", phone="13700000008", source="floating", unit_name="外地某厂")
    _entry(world, name="周丽", source="floating")
    _entry(world, name="周丽")


def test_mismatches_list_people_found_in_one_source_but_not_another(world):
    _mismatch_world(world)
    people = world.get(f"/party-ledger/people?community_id={world.c1}", "staff1")["items"]
    by_name = {p["name"]: p for p in people}
    assert len(people) == 5
    assert by_name["张阿姨"]["sources"] == ["registered", "grid"]
    assert by_name["张阿姨"]["user_id"] == world.users["r_garden"]
    assert by_name["周丽"]["sources"] == ["floating", "grid"]
    assert by_name["r_courtyard"]["compound_id"] == world.compounds["courtyard"]
    found = world.get(f"/party-ledger/mismatches?community_id={world.c1}", "staff1")
    assert found["people"] == 5
    assert {p["name"]: p["problems"] for p in found["items"]} == {
        "孙卫东": ["not_registered"], "钱芳": ["not_in_grid"], "r_courtyard": ["not_in_grid"]}
    assert found["counts"] == {"not_in_grid": 2, "not_registered": 1}
    garden = world.get(f"/party-ledger/mismatches?community_id={world.c1}"
                       f"&compound_id={world.compounds['garden']}", "staff1")
    assert sorted(p["name"] for p in garden["items"]) == ["孙卫东", "钱芳"]
    # Grid data finds the courtyard member (by phone): the mismatch goes away.
    _entry(world, compound="courtyard", name="李大爷", phone="13900000003")
    after = world.get(f"/party-ledger/mismatches?community_id={world.c1}", "street1")
    assert sorted(p["name"] for p in after["items"]) == ["孙卫东", "钱芳"]


def test_phones_are_masked_and_only_overseers_read_the_ledger(world):
    _mismatch_world(world)
    rows = world.get(f"/party-ledger?community_id={world.c1}", "staff1")["items"]
    assert [r["phone"] for r in rows][:3] == ["139****0001", "137****0009", "137****0008"]
    people = world.get(f"/party-ledger/people?community_id={world.c1}", "orgdept")["items"]
    assert "13900000001" not in str(people) and "139****0001" in str(people)
    floating = world.get(f"/party-ledger?community_id={world.c1}&source=floating",
                         "street1")["items"]
    assert [r["name"] for r in floating] == ["钱芳", "周丽"]
    for who in ("staff2", "street_other", "r_garden", "outsider"):
        for path in ("/party-ledger", "/party-ledger/people", "/party-ledger/mismatches"):
            world.get(f"{path}?community_id={world.c1}", who, expect=403)
    world.get(f"/party-ledger?community_id={world.c1}&compound_id="
              f"{world.compounds['c2garden']}", "staff1", expect=422)


def test_staff_of_the_community_keep_the_ledger_once_per_person_and_source(world):
    first = _entry(world, name="孙卫东", phone="13700000009")
    dup = _entry(world, name="孙卫东", phone="13700000009", expect=409)
    assert dup["error"]["code"] == "ledger_entry_exists"
    assert dup["error"]["details"]["entry_id"] == first["id"]
    _entry(world, name="孙卫东", phone="13700000009", source="floating")  # another source
    for who in ("street1", "orgdept", "staff2", "r_garden"):
        _entry(world, name="吴", who=who, expect=403)
    _entry(world, name="吴", household_id=world.homes["courtyard"][0], expect=422)
    home = _entry(world, name="吴", household_id=world.homes["garden"][0])
    assert home["household_id"] == world.homes["garden"][0]
    _entry(world, name="吴", source="nobody", expect=422)
