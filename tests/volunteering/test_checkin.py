"""On-site check-in and check-out: geofence, time window, rotating codes, idempotency, and
personal passes scanned by staff."""
import math
from datetime import timedelta

import pytest
import time_machine

from app.volunteering import geo
from tests.volunteering.conftest import SITE, T0, north_of


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def running(world, clock):
    """A 2-hour shift starting at T0 (code required) with `vol` signed up."""
    world.user("vol", [("volunteer", {"community_id": world.c1})])
    shift = world.shift(T0)
    world.signup(shift["id"], "vol")
    return shift


def err(resp, status):
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()["error"]


def test_checkin_inside_the_radius_is_accepted(world, running):
    resp = world.checkin(running["id"], "vol", at=north_of(SITE, 150))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["attendance_id"] and body["checked_in_at"].startswith("2026-03-10T10:00")
    assert world.attendance(body["attendance_id"]).in_distance_m == pytest.approx(150, abs=1)


def wgs84_to_gcj02(lat, lng):
    """The published WGS-84 → GCJ-02 transform (what a phone's raw GPS would need)."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lng - 105.0, lat - 35.0
    dlat = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
            + (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
            + (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3)
    dlng = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
            + (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
            + (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3)
    rad = lat / 180 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    dlat = dlat * 180 / ((a * (1 - ee)) / (magic * math.sqrt(magic)) * math.pi)
    dlng = dlng * 180 / (a / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lat + dlat, lng + dlng


def test_geofence_is_gcj02_on_both_sides(world, clock):
    """The shift's place and the volunteer's position are both GCJ-02 (wx.chooseLocation and
    wx.getLocation type=gcj02): 150 m away is in, 450 m away is out. A raw WGS-84 reading of the
    very spot lies ~450 m off here, so it is refused: the systems are never mixed."""
    site = wgs84_to_gcj02(*SITE)  # the V站 as WeChat's map (wx.chooseLocation) gives it
    assert geo.haversine_m(*SITE, *site) == pytest.approx(450, abs=5)
    world.user("vol", [("volunteer", {"community_id": world.c1})])
    shift = world.activity([{
        "starts_at": T0.isoformat(), "ends_at": (T0 + timedelta(hours=2)).isoformat(),
        "capacity": 5, "location_name": "观湖志愿V站", "lat": site[0], "lng": site[1],
        "radius_m": 200, "points_per_hour": 10, "code_required": False}])["shifts"][0]
    world.signup(shift["id"], "vol")
    assert (shift["location"]["lat"], shift["location"]["lng"]) == site

    far = err(world.checkin(shift["id"], "vol", at=north_of(site, 450), code=None), 422)
    assert far["code"] == "outside_geofence" and far["details"]["distance_m"] == 450
    raw_gps = err(world.checkin(shift["id"], "vol", at=SITE, code=None), 422)
    assert raw_gps["code"] == "outside_geofence"
    near = world.checkin(shift["id"], "vol", at=north_of(site, 150), code=None)
    assert near.status_code == 201, near.get_json()


def test_checkin_500m_outside_the_radius_is_refused(world, running):
    error = err(world.checkin(running["id"], "vol", at=north_of(SITE, 200 + 500)), 422)
    assert error["code"] == "outside_geofence"
    assert error["details"] == {"distance_m": 700, "radius_m": 200}


@pytest.mark.parametrize("offset_min, ok", [(-31, False), (-29, True), (119, True),
                                            (121, False)])
def test_checkin_window_has_30_minutes_grace_before_the_start(world, clock, offset_min, ok):
    """Check-in opens 30 min before the start and closes at the end of the shift."""
    world.user("vol")
    shift = world.shift(T0 + timedelta(hours=1), minutes=120)
    world.signup(shift["id"], "vol")
    clock.move_to(T0 + timedelta(hours=1, minutes=offset_min))
    resp = world.checkin(shift["id"], "vol")
    if ok:
        assert resp.status_code == 201, resp.get_json()
    else:
        error = err(resp, 422)
        assert error["code"] == "outside_shift_window"
        assert error["details"]["opens_at"] == "2026-03-10T10:30:00+08:00"


def test_checkout_after_the_30_minute_grace_is_refused(world, running, clock):
    world.checkin(running["id"], "vol", expect=201)
    clock.move_to(T0 + timedelta(minutes=120 + 31))
    assert err(world.checkout(running["id"], "vol"), 422)["code"] == "outside_shift_window"
    clock.move_to(T0 + timedelta(minutes=120 + 29))
    assert world.checkout(running["id"], "vol").status_code == 200


def test_code_from_two_steps_ago_is_expired_but_previous_step_is_accepted(world, running,
                                                                          clock):
    old = world.code(running["id"])
    clock.shift(timedelta(seconds=60))
    previous = world.code(running["id"])
    assert previous != old
    clock.shift(timedelta(seconds=60))
    assert err(world.checkin(running["id"], "vol", code=old), 422)["code"] == "code_expired"
    resp = world.checkin(running["id"], "vol", code=previous)
    assert resp.status_code == 201, resp.get_json()


def test_wrong_code_is_refused(world, running):
    right = world.code(running["id"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert err(world.checkin(running["id"], "vol", code=wrong), 422)["code"] == "invalid_code"
    assert err(world.checkin(running["id"], "vol", code=None), 422)["code"] == "code_required"
    assert err(world.checkin(running["id"], "vol", code="12ab56"), 422)["code"] == \
        "validation_error"


def test_code_already_used_by_the_volunteer_is_refused_at_checkout(world, running, clock):
    """The code read at check-in cannot be replayed for the check-out; a fresh one works."""
    code = world.code(running["id"])
    world.checkin(running["id"], "vol", code=code, expect=201)
    clock.shift(timedelta(seconds=30))
    assert err(world.checkout(running["id"], "vol", code=code), 422)["code"] == "code_replayed"
    clock.shift(timedelta(seconds=60))
    assert world.checkout(running["id"], "vol").status_code == 200


def test_every_staff_device_shows_the_same_code(world, running):
    assert world.code(running["id"], "staff1") == world.code(running["id"], "staff1b")
    body = world.get(f"/shifts/{running['id']}/checkin-code", "staff1")
    assert 0 < body["expires_in"] <= 60 and body["qr"].endswith(body["code"])


def test_other_community_staff_and_volunteers_cannot_read_the_code(world, running):
    world.get(f"/shifts/{running['id']}/checkin-code", "staff2", expect=404)
    world.get(f"/shifts/{running['id']}/checkin-code", "vol", expect=403)


def test_double_checkin_is_idempotent(world, running, clock):
    first = world.checkin(running["id"], "vol", expect=201).get_json()
    clock.shift(timedelta(minutes=5))
    again = world.checkin(running["id"], "vol", expect=200).get_json()
    assert again == first


def test_checkout_without_checkin_is_409(world, running):
    error = err(world.checkout(running["id"], "vol"), 409)
    assert error["code"] == "not_checked_in"


def test_checkin_without_a_confirmed_signup_is_409(world, running):
    world.user("stranger")
    assert err(world.checkin(running["id"], "stranger"), 409)["code"] == "not_signed_up"


def test_minutes_are_clipped_to_the_shift_and_short_stays_are_partial(world, clock):
    world.user("early")
    world.user("short")
    shift = world.shift(T0 + timedelta(minutes=20), minutes=100)
    world.signup(shift["id"], "early")
    world.signup(shift["id"], "short")
    world.checkin(shift["id"], "early", expect=201)  # 20 min before the start
    clock.shift(timedelta(minutes=60))
    world.checkin(shift["id"], "short", expect=201)
    clock.shift(timedelta(minutes=20))
    short = world.checkout(shift["id"], "short").get_json()
    assert short["minutes"] == 20 and short["status"] == "partial"
    clock.move_to(T0 + timedelta(minutes=20 + 100 + 25))  # 25 min after the end
    early = world.checkout(shift["id"], "early").get_json()
    assert early["minutes"] == 100 and early["status"] == "pending" and early["points"] == 0


def test_checkout_outside_the_geofence_is_refused_and_repeat_checkout_is_idempotent(
        world, running, clock):
    world.checkin(running["id"], "vol", expect=201)
    clock.shift(timedelta(minutes=90))
    assert err(world.checkout(running["id"], "vol", at=north_of(SITE, 900)), 422)["code"] == \
        "outside_geofence"
    first = world.checkout(running["id"], "vol").get_json()
    assert first["minutes"] == 90 and first["status"] == "pending"
    clock.shift(timedelta(minutes=2))
    assert world.checkout(running["id"], "vol").get_json() == first


def test_shift_without_code_needs_only_the_geofence(world, clock):
    world.user("vol")
    shift = world.shift(T0, code_required=False)
    world.signup(shift["id"], "vol")
    world.checkin(shift["id"], "vol", code=None, expect=201)


def test_invalid_coordinates_are_a_validation_error(world, running):
    resp = world.post(f"/shifts/{running['id']}/checkin", "vol", {"lat": 91, "lng": "x"})
    assert set(err(resp, 422)["details"]["fields"]) == {"lat", "lng"}


def test_checkin_with_an_idempotency_key_replays_the_first_answer(world, running):
    body = {"lat": SITE[0], "lng": SITE[1], "code": world.code(running["id"])}
    headers = {**world.h("vol"), "Idempotency-Key": "checkin-1"}
    first = world.client.post(f"/api/v1/shifts/{running['id']}/checkin", json=body,
                              headers=headers)
    again = world.client.post(f"/api/v1/shifts/{running['id']}/checkin", json=body,
                              headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = world.client.post(f"/api/v1/shifts/{running['id']}/checkin",
                              json={**body, "lat": SITE[0] + 0.0001}, headers=headers)
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_checkin_attempts_are_rate_limited_per_volunteer(world, running, app, monkeypatch):
    """A six-digit code cannot be guessed by trying many: attempts per minute are capped."""
    with monkeypatch.context() as m:
        m.setitem(app.config, "CHECKIN_RATE_LIMIT", "3 per minute")
        answers = [world.checkin(running["id"], "vol", code=f"{n:06d}").status_code
                   for n in range(4)]
    assert answers[3] == 429 and 429 not in answers[:3]


WIDE = str.maketrans("0123456789", "０１２３４５６７８９")  # full-width digits


@pytest.mark.parametrize("code", ["１２３４５６", "١٢٣٤٥٦", "۱۲۳۴۵۶", "12345６", "123456\n"])
def test_a_code_of_anything_but_six_ascii_digits_is_422_not_500(world, running, clock, code):
    """`\\d` and str.isdigit() take full-width and Arabic-Indic digits; the code is [0-9]{6}."""
    error = err(world.checkin(running["id"], "vol", code=code), 422)
    assert error["code"] == "validation_error" and "code" in error["details"]["fields"]
    world.checkin(running["id"], "vol", expect=201)
    clock.shift(timedelta(minutes=90))
    error = err(world.checkout(running["id"], "vol", code=code), 422)
    assert error["code"] == "validation_error"


def test_non_ascii_digits_never_match_a_code():
    from app.volunteering import codes

    secret = codes.new_secret()
    right, _ = codes.current(secret, T0)
    wide = right.translate(WIDE)
    assert codes.match(secret, wide, T0) == ("invalid", None)
    assert codes.match(secret, right, T0)[0] == "ok"


# -- personal passes scanned by staff ------------------------------------------------------
def get_pass(world, shift_id, who="vol", expect=200):
    return world.get(f"/shifts/{shift_id}/pass", who, expect=expect)


def scan(world, shift_id, token, kind, who="staff1"):
    return world.post(f"/shifts/{shift_id}/scan", who, {"token": token, "kind": kind})


def scan_ok(world, shift_id, kind, volunteer="vol", who="staff1"):
    token = get_pass(world, shift_id, volunteer)["token"]
    resp = scan(world, shift_id, token, kind, who)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_pass_is_personal_short_lived_and_only_for_a_signed_up_volunteer(world, running):
    body = get_pass(world, running["id"])
    assert body["expires_in"] == 60 and body["kind"] == "in"
    assert body["qr"] == f"llt:pass:{body['token']}"
    assert get_pass(world, running["id"])["token"] != body["token"]
    world.user("stranger")
    error = get_pass(world, running["id"], "stranger", expect=409)["error"]
    assert error["code"] == "not_signed_up"
    get_pass(world, 999999, expect=404)


def test_staff_scan_checks_the_volunteer_in_then_out_proven_by_the_pass(world, running, clock):
    body = scan_ok(world, running["id"], "in")
    assert body["status"] == "checked_in" and body["user"]["nickname"] == "vol"
    assert body["checked_in_at"].startswith("2026-03-10T10:00")
    assert get_pass(world, running["id"])["kind"] == "out"
    clock.shift(timedelta(minutes=100))
    out = scan_ok(world, running["id"], "out", who="staff1b")
    assert (out["attendance_id"], out["minutes"], out["status"]) == \
        (body["attendance_id"], 100, "pending")
    att = world.attendance(body["attendance_id"])
    assert (att.in_proof, att.out_proof) == ("pass", "pass")
    assert (att.in_scanned_by_id, att.out_scanned_by_id) == \
        (world.users["staff1"], world.users["staff1b"])
    assert att.in_distance_m is None and att.in_code_ok is False


@pytest.mark.parametrize("in_by, out_by, credited", [
    ("pass", "pass", True), ("pass", "code", False), ("code", "pass", False),
    ("code", "code", False)])
def test_auto_approve_credits_only_a_pass_scanned_at_both_ends(world, clock, in_by, out_by,
                                                               credited):
    world.user("vol")
    shift = world.shift(T0, minutes=120, auto_approve=True, points_per_hour=10)
    world.signup(shift["id"], "vol")
    if in_by == "pass":
        att_id = scan_ok(world, shift["id"], "in")["attendance_id"]
    else:
        att_id = world.checkin(shift["id"], "vol", expect=201).get_json()["attendance_id"]
    clock.shift(timedelta(minutes=120))
    if out_by == "pass":
        out = scan_ok(world, shift["id"], "out")
    else:
        out = world.checkout(shift["id"], "vol", expect=200).get_json()
    assert (out["status"], out["points"]) == (("credited", 20) if credited else ("pending", 0))
    assert world.balance("vol") == (20 if credited else 0)
    assert world.shift_credits(att_id) == (1 if credited else 0)
    att = world.get(f"/attendances/{att_id}", "staff1")
    assert (att["in_proof"], att["out_proof"]) == (in_by, out_by)


def test_a_short_stay_proven_by_passes_still_waits_for_review(world, clock):
    world.user("vol")
    shift = world.shift(T0, minutes=120, auto_approve=True)
    world.signup(shift["id"], "vol")
    scan_ok(world, shift["id"], "in")
    clock.shift(timedelta(minutes=30))
    out = scan_ok(world, shift["id"], "out")
    assert (out["status"], out["points"]) == ("partial", 0) and world.balance("vol") == 0


def test_a_replayed_pass_is_refused(world, running, clock):
    token = get_pass(world, running["id"])["token"]
    assert scan(world, running["id"], token, "in").status_code == 200
    clock.shift(timedelta(seconds=5))
    for who in ("staff1", "staff1b"):
        assert err(scan(world, running["id"], token, "in", who), 409)["code"] == "pass_used"


def test_two_passes_for_check_in_check_in_once(world, running):
    first, second = (get_pass(world, running["id"])["token"] for _ in range(2))
    assert scan(world, running["id"], first, "in").status_code == 200
    assert err(scan(world, running["id"], second, "in"), 409)["code"] == "already_checked_in"


def test_an_expired_pass_is_refused(world, running, clock):
    token = get_pass(world, running["id"])["token"]
    clock.shift(timedelta(seconds=60))
    assert err(scan(world, running["id"], token, "in"), 422)["code"] == "pass_expired"
    token = get_pass(world, running["id"])["token"]
    clock.shift(timedelta(seconds=59))
    assert scan(world, running["id"], token, "in").status_code == 200


def test_a_pass_for_another_shift_is_refused(world, running):
    other = world.shift(T0)
    world.user("vol2")
    world.signup(other["id"], "vol2")
    token = get_pass(world, other["id"], "vol2")["token"]
    assert err(scan(world, running["id"], token, "in"), 422)["code"] == "pass_wrong_shift"
    # Unused by the refusal: it still works on its own shift.
    assert scan(world, other["id"], token, "in").status_code == 200


def test_a_forged_or_altered_pass_is_refused(world, running):
    world.user("vol2")
    world.signup(running["id"], "vol2")
    token = get_pass(world, running["id"])["token"]
    shift_id, user_id, kind, expires, nonce, mac = token.split(".")
    vol2 = str(world.users["vol2"])
    forged = [
        ".".join([shift_id, vol2, kind, expires, nonce, mac]),           # another volunteer
        ".".join([shift_id, user_id, kind, str(int(expires) + 600), nonce, mac]),  # longer life
        ".".join([shift_id, user_id, kind, expires, nonce, "A" * 22]),   # made-up signature
        "llt:pass:" + token, token + ".", "", "x" * 200,
        token.replace(shift_id, shift_id.translate(WIDE), 1),
    ]
    for bad in forged:
        error = err(scan(world, running["id"], bad, "in"), 422)
        assert error["code"] in ("invalid_pass", "validation_error"), (bad, error)
    out_kind = ".".join([shift_id, user_id, "out", expires, nonce, mac])
    assert err(scan(world, running["id"], out_kind, "out"), 422)["code"] == "invalid_pass"
    assert scan(world, running["id"], token, "in").status_code == 200


def test_a_pass_is_scanned_for_its_own_kind_only(world, running, clock):
    token = get_pass(world, running["id"])["token"]
    error = err(scan(world, running["id"], token, "out"), 422)
    assert error["code"] == "pass_kind_mismatch" and error["details"] == {"pass_kind": "in"}
    assert scan(world, running["id"], token, "in").status_code == 200
    err(scan(world, running["id"], "t", "sideways"), 422)


def test_only_other_staff_of_the_shift_community_may_scan(world, running):
    token = get_pass(world, running["id"])["token"]
    assert scan(world, running["id"], token, "in", "staff2").status_code == 404
    assert scan(world, running["id"], token, "in", "vol").status_code == 403
    world.user("staff1b")
    world.signup(running["id"], "staff1b")
    own = get_pass(world, running["id"], "staff1b")["token"]
    assert err(scan(world, running["id"], own, "in", "staff1b"), 403)["code"] == "self_scan"
    assert scan(world, running["id"], token, "in").status_code == 200


def test_scanning_follows_the_shift_window(world, clock):
    world.user("vol")
    shift = world.shift(T0 + timedelta(hours=1), minutes=60)
    world.signup(shift["id"], "vol")
    token = get_pass(world, shift["id"])["token"]
    assert err(scan(world, shift["id"], token, "in"), 422)["code"] == "outside_shift_window"
    clock.move_to(T0 + timedelta(minutes=40))
    token = get_pass(world, shift["id"])["token"]
    assert scan(world, shift["id"], token, "in").status_code == 200
    clock.move_to(T0 + timedelta(hours=2, minutes=31))
    token = get_pass(world, shift["id"])["token"]
    assert err(scan(world, shift["id"], token, "out"), 422)["code"] == "outside_shift_window"


def test_scan_out_needs_a_check_in_and_happens_once(world, running, clock):
    world.checkin(running["id"], "vol", expect=201)
    clock.shift(timedelta(minutes=90))
    pass_ = get_pass(world, running["id"])
    assert pass_["kind"] == "out"
    assert scan(world, running["id"], pass_["token"], "out").status_code == 200
    error = err(world.client.get(f"/api/v1/shifts/{running['id']}/pass",
                                 headers=world.h("vol")), 409)
    assert error["code"] == "already_checked_out"


def test_a_make_up_record_gets_no_pass(world, running):
    world.post("/attendances/manual", "staff1", {
        "shift_id": running["id"], "user_id": world.users["vol"], "minutes": 60,
        "reason": "补录"}, expect=201)
    resp = world.client.get(f"/api/v1/shifts/{running['id']}/pass", headers=world.h("vol"))
    assert err(resp, 409)["code"] == "attendance_exists"
