"""The roles reviews need: `street_admin` scoped by street, `org_dept` (组织部) global."""


def test_admin_grants_street_admin_by_street_and_org_dept_globally(world):
    world.user("admin", [("admin", {})])
    uid, dept = world.user("chief"), world.user("dept")
    body = {"user_id": uid, "role": "street_admin", "street_id": world.street}
    world.post("/roles/grants", "staff1", body, 403)
    for bad in ({"community_id": world.c1}, {}, {"street_id": world.street,
                                                 "community_id": world.c1}):
        world.post("/roles/grants", "admin", {"user_id": uid, "role": "street_admin", **bad},
                   422)
    world.post("/roles/grants", "admin", {**body, "street_id": 9999}, 404)
    made = world.post("/roles/grants", "admin", body, 201).get_json()
    assert made["street_id"] == world.street
    assert {"role": "street_admin", "street_id": world.street} in \
        world.get("/me", "chief")["roles"]
    world.post("/roles/grants", "admin", {"user_id": dept, "role": "org_dept",
                                          "community_id": world.c1}, 422)
    world.post("/roles/grants", "admin", {"user_id": dept, "role": "org_dept"}, 201)
    assert {"role": "org_dept"} in world.get("/me", "dept")["roles"]
