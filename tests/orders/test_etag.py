"""The staff queue answers with an ETag, and 304 while nothing changed: the web console polls it
every 10 seconds."""

QUEUE = "/api/v1/requests?scope=community"


def test_unchanged_queue_is_304_and_a_new_request_changes_it(client, seeded, flow):
    staff = flow.h("demo-staff-1")
    first = client.get(QUEUE, headers=staff)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag

    same = client.get(QUEUE, headers={**staff, "If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""

    rid = flow.create()["id"]
    changed = client.get(QUEUE, headers={**staff, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert rid in [r["id"] for r in changed.get_json()["items"]]

    etag = changed.headers["ETag"]
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id()})
    after = client.get(QUEUE, headers={**staff, "If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


def test_another_community_never_matches_and_filters_have_their_own_tag(client, seeded, flow):
    one = client.get(QUEUE, headers=flow.h("demo-staff-1"))
    two = client.get(QUEUE, headers={**flow.h("demo-staff-2"),
                                     "If-None-Match": one.headers["ETag"]})
    assert two.status_code == 200
    assert {r["community_id"] for r in two.get_json()["items"]} <= {2}
    pooled = client.get(QUEUE + "&status=pooled", headers={
        **flow.h("demo-staff-1"), "If-None-Match": one.headers["ETag"]})
    assert pooled.status_code == 200


def test_the_etag_is_checked_after_the_token(client, seeded, flow):
    etag = client.get(QUEUE, headers=flow.h("demo-staff-1")).headers["ETag"]
    assert client.get(QUEUE, headers={"If-None-Match": etag}).status_code == 401
