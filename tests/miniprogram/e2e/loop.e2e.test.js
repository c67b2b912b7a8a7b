/**
 * @jest-environment node
 *
 * End to end, part 2, through the mini-program's own services against the real API: the service
 * loop (resident orders, staff dispatch, partner accepts, starts, completes, resident confirms,
 * the partner's balance rises by the rule's points) and a volunteer's check-in and check-out;
 * subscribe templates from the API's config and notification pages that exist; a voucher
 * redeemed and written off by its QR payload.
 */
const { startServer, TEMPLATES } = require('./server');
const { as } = require('./wx-node');
const config = require('../../../miniprogram/config');
const auth = require('../../../miniprogram/services/auth');
const catalog = require('../../../miniprogram/services/catalog');
const orders = require('../../../miniprogram/services/orders');
const timebank = require('../../../miniprogram/services/timebank');
const volunteering = require('../../../miniprogram/services/volunteering');
const notifications = require('../../../miniprogram/services/notifications');
const approvals = require('../../../miniprogram/services/approvals');
const review = require('../../../miniprogram/packages/staff/services/review');
const shop = require('../../../miniprogram/packages/merchant/services/shop');
const subscribe = require('../../../miniprogram/utils/subscribe');
const http = require('../../../miniprogram/utils/request');
const app = require('../../../miniprogram/app.json');

/** Every page the mini-program has, as app.json lists them. */
const PAGES = new Set(app.pages.concat(...app.subPackages.map((sp) => sp.pages.map((p) => `${sp.root}/${p}`))));

let server;

beforeAll(async () => {
  server = await startServer();
  config.baseUrl = server.baseUrl;
}, 90000);

afterAll(async () => {
  if (server) await server.stop();
});

/** The time bank's rule: minutes pro rata, rounded to the nearest point, halves up. */
const pointsFor = (minutes, perHour) => Math.floor((minutes * perHour + 30) / 60);

test('resident orders, staff dispatch, partner serves, resident confirms: the partner earns the rule\'s points', async () => {
  const MINUTES = 95;
  const created = await as('demo-resident-1', async () => {
    const me = await auth.me();
    const categories = await catalog.categories({ limit: 100 });
    const repair = categories.items.find((c) => c.code === 'appliance_repair');
    return orders.create({
      categoryId: repair.id, householdId: me.households[0].household_id,
      description: '冰箱不制冷，想请师傅上门看看', preferredStart: '2026-12-01T09:00:00+08:00',
    });
  });
  expect(created.status).toBe('submitted');
  const perHour = created.category.points_per_hour;
  expect(perHour).toBeGreaterThan(0);

  const partnerId = await as('demo-staff-1', async () => {
    const queue = await orders.list({ scope: 'community', status: 'submitted', limit: 100 });
    expect(queue.items.map((r) => r.id)).toContain(created.id);
    const candidates = await orders.candidates(created.id);
    expect(candidates.items.length).toBeGreaterThan(0);
    candidates.items.forEach((c) => expect(c.reasons.length).toBeGreaterThan(0));
    const chosen = candidates.items.find((c) => c.name === '观湖家电维修合作社');
    const dispatched = await orders.dispatch(created.id, chosen.partner_id);
    expect(dispatched.status).toBe('dispatched');
    return chosen.partner_id;
  });

  const before = await as('demo-partner-1', async () => {
    const assigned = await orders.list({ scope: 'assigned', limit: 100 });
    expect(assigned.items.find((r) => r.id === created.id)).toMatchObject({ status: 'dispatched', partner: { id: partnerId } });
    const { balance } = await timebank.account();
    expect((await orders.accept(created.id)).status).toBe('accepted');
    expect((await orders.start(created.id)).status).toBe('in_service');
    expect((await orders.complete(created.id, MINUTES, '更换了温控器')).status).toBe('completed');
    return balance;
  });

  await as('demo-resident-1', async () => {
    const confirmed = await orders.confirm(created.id, 5, '师傅很专业');
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.points_settled).toBe(pointsFor(MINUTES, perHour));
    const events = await orders.events(created.id);
    expect(events.items.map((e) => e.action)).toEqual(['create', 'dispatch', 'accept', 'start', 'complete', 'confirm']);
  });

  await as('demo-partner-1', async () => {
    const after = await timebank.account();
    expect(after.balance - before).toBe(pointsFor(MINUTES, perHour));
    const entries = await timebank.entries({ limit: 5 });
    expect(entries.items[0]).toMatchObject({ amount: pointsFor(MINUTES, perHour), kind: 'service_credit' });
    expect(entries.items[0].ref).toContain(`request:${created.id}`);
  });
});

test('a wrong step is refused with the current state, not half-done', async () => {
  await as('demo-resident-2', async () => {
    const me = await auth.me();
    const categories = await catalog.categories({ limit: 100 });
    const req = await orders.create({
      categoryId: categories.items.find((c) => c.code === 'elderly_care').id,
      householdId: me.households[0].household_id, description: '想请人陪同去社区医院',
    });
    const err = await orders.confirm(req.id, 5).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid_transition', status: 409 });
    expect((await orders.get(req.id)).status).toBe('submitted');
  });
});

test('a volunteer signs up, is refused far away, checks in with the on-site code and checks out', async () => {
  const now = Date.now();
  const shift = await as('demo-volunteer-1', async () => {
    const res = await volunteering.activities({ community_id: 1, limit: 50 });
    const shifts = res.items.flatMap((a) => a.shifts);
    return shifts.find((s) => Date.parse(s.starts_at) <= now && Date.parse(s.ends_at) > now);
  });
  expect(shift).toBeDefined();

  const shown = await as('demo-staff-1', () => volunteering.checkinCode(shift.id));
  const code = volunteering.codeFromQr(shown.qr, shift.id);
  expect(code).toMatch(/^\d{6}$/);
  let attendanceId;

  await as('demo-volunteer-1', async () => {
    const signup = await volunteering.signup(shift.id);
    expect(['confirmed', 'waitlisted']).toContain(signup.status);
    expect(signup.status).toBe('confirmed');

    const far = await volunteering.checkin(shift.id, { lat: shift.location.lat + 0.05, lng: shift.location.lng }).catch((e) => e);
    expect(far).toMatchObject({ code: 'outside_geofence', status: 422 });

    const here = { lat: shift.location.lat, lng: shift.location.lng };
    const checkin = await volunteering.checkin(shift.id, { ...here, code }, `mp-e2e-${now}`);
    attendanceId = checkin.attendance_id;
    expect(attendanceId).toEqual(expect.any(Number));
    // The code just used cannot be used again (the API remembers it across processes)...
    const replay = await volunteering.checkout(shift.id, { ...here, code }).catch((e) => e);
    expect(replay).toMatchObject({ code: 'code_replayed', status: 422 });
  });

  // ...so check-out waits for the QR on site to rotate (at most one step, 60 s).
  await new Promise((r) => setTimeout(r, (shown.expires_in + 1) * 1000));
  const next = await as('demo-staff-1', () => volunteering.checkinCode(shift.id));
  const nextCode = volunteering.codeFromQr(next.qr, shift.id);
  expect(nextCode).not.toBe(code);

  await as('demo-volunteer-1', async () => {
    const here = { lat: shift.location.lat, lng: shift.location.lng };
    const out = await volunteering.checkout(shift.id, { ...here, code: nextCode });
    expect(out.attendance_id).toBe(attendanceId);
    expect(['pending', 'partial']).toContain(out.status);
    const mine = await volunteering.myAttendances({ limit: 10 });
    expect(mine.items.find((a) => a.id === attendanceId)).toMatchObject({ status: out.status });
  });

  // Staff find it in the 审核 inbox and approve it: the volunteer's attendance is credited once.
  await as('demo-staff-1', async () => {
    const counts = await approvals.counts(1);
    expect(counts.attendances).toBeGreaterThanOrEqual(1);
    const partial = await review.attendances({ community_id: 1, manual: false, status: 'partial', limit: 50 });
    const pending = await review.attendances({ community_id: 1, manual: false, status: 'pending', limit: 50 });
    const mine = partial.items.concat(pending.items).find((a) => a.id === attendanceId);
    expect(mine.user.nickname).toBe('党员志愿者赵哥');
    const approved = await review.approveAttendance(attendanceId);
    expect(approved.status).toBe('credited');
    expect((await approvals.counts(1)).attendances).toBe(counts.attendances - 1);
  });
  await as('demo-volunteer-1', async () => {
    const mine = await volunteering.myAttendances({ limit: 10 });
    expect(mine.items.find((a) => a.id === attendanceId)).toMatchObject({ status: 'credited' });
  });
}, 120000);

test('subscribe templates come from the API config; every notification opens an existing page for its receiver', async () => {
  await as('demo-resident-1', async () => {
    const items = await subscribe.refresh();
    expect(items.map((t) => t.kind).sort()).toEqual(Object.keys(TEMPLATES).sort());
    expect(subscribe.templateIds(subscribe.WISHES.order)).toEqual(['e2e-progress', 'e2e-done']);
  });
  const seen = {};
  for (const who of ['demo-resident-1', 'demo-partner-1', 'demo-staff-1']) {
    // eslint-disable-next-line no-await-in-loop
    const inbox = await as(who, () => notifications.list({ limit: 50 }));
    seen[who] = inbox.items.filter((n) => n.ref.startsWith('request:'));
    expect(seen[who].length).toBeGreaterThan(0);
    seen[who].forEach((n) => {
      expect(n.page).not.toBe('');
      expect(PAGES).toContain(n.page.split('?')[0]);
      expect(n.page).toContain(`id=${n.ref.split(':')[1]}`);
    });
  }
  expect(seen['demo-resident-1'][0].page).toMatch(/^packages\/resident\/request\/index\?id=/);
  expect(seen['demo-partner-1'][0].page).toMatch(/^packages\/partner\/task\/index\?id=/);
  expect(seen['demo-staff-1'][0].page).toMatch(/^packages\/staff\/(dispatch|resolve)\/index\?id=/);
});

test('a resident redeems a voucher; the merchant writes it off by its QR payload, once', async () => {
  const voucher = await as('demo-resident-1', async () => {
    const items = await timebank.items({ limit: 50 });
    const item = items.items.find((i) => i.stock > 0);
    const res = await timebank.redeem(item.id, http.newIdempotencyKey());
    return res.voucher;
  });
  expect(voucher.qr_payload).toBe(`llt-voucher:${voucher.code}`);
  await as('demo-merchant-1', async () => {
    const used = await timebank.writeoff(voucher.qr_payload);
    expect(used.voucher).toMatchObject({ id: voucher.id, status: 'used' });
    const again = await timebank.writeoff(voucher.code).catch((e) => e);
    expect(again).toMatchObject({ status: 409, code: 'voucher_not_issued' });
    // ...and it is in the merchant's write-off history, without the code.
    const me = await auth.me();
    const merchantId = me.roles.find((r) => r.role === 'merchant').merchant_id;
    const history = await shop.writeoffs(merchantId, { limit: 20 });
    expect(history.items[0]).toMatchObject({ id: voucher.id, status: 'used' });
    expect(history.items[0].code).toBeUndefined();
  });
});

