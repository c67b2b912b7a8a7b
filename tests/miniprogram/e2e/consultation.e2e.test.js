/**
 * @jest-environment node
 *
 * End to end, part 3: a consultation from its opening to its result, through the mini-program's
 * own services against the real API. Staff open two consultations of 观湖花园1栋1单元 (four
 * households; 张阿姨 and 刘建国 are its two owners with the app) under the 80 % rule. In the first
 * only the two residents vote: every voter agrees, yet 2 of 4 households fail the rule. In the
 * second staff also enter the two other households' paper ballots with their photos: 4 of 4 pass.
 */
const http = require('http');
const { startServer } = require('./server');
const { as } = require('./wx-node');
const config = require('../../../miniprogram/config');
const request = require('../../../miniprogram/utils/request');
const auth = require('../../../miniprogram/services/auth');
const community = require('../../../miniprogram/packages/consult/services/address');
const consultations = require('../../../miniprogram/packages/consult/services/consultations');

let server;

beforeAll(async () => {
  server = await startServer();
  config.baseUrl = server.baseUrl;
}, 90000);

afterAll(async () => {
  if (server) await server.stop();
});

// A 1×1 PNG: the photo of a checked paper ballot.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** POST /files as the current person (the mini-program itself uploads with wx.uploadFile). */
function upload(bytes) {
  const boundary = `----llt${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ballot.png"\r\nContent-Type: image/png\r\n\r\n`),
    bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const url = new URL(`${config.baseUrl}${config.apiPrefix}/files`);
  return new Promise((resolve, reject) => {
    const req = http.request({
      hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { Authorization: `Bearer ${request.getToken()}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, data: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('staff open, two residents vote, paper ballots count, the close gives the rule\'s result', async () => {
  const WINDOW_MS = 8000;
  const closesAt = Date.now() + WINDOW_MS;
  const { first, second, others } = await as('demo-staff-1', async () => {
    await auth.login();
    const compounds = await community.compounds(1, { limit: 100 });
    const garden = compounds.items.find((c) => c.name === '观湖花园');
    const buildings = await community.buildings(garden.id, { limit: 100 });
    const one = buildings.items.find((b) => b.name === '1栋');
    const homes = (await community.households(one.id, { limit: 100 })).items.filter((h) => h.unit === '1');
    const open = (title) => consultations.create({
      scope: { building_id: one.id, unit: '1' }, title, opensAt: new Date().toISOString(),
      closesAt: new Date(closesAt).toISOString(), rule: { kind: 'share_of_all', threshold: 0.8 },
    });
    return {
      first: await open('楼道照明改造'),
      second: await open('楼道照明改造（含纸质票）'),
      others: homes.filter((h) => h.room === '102' || h.room === '502').map((h) => h.id),
    };
  });
  expect(first).toMatchObject({ status: 'open', eligible: 4, needed: { agree: 4 }, agree: null, result: null });
  expect(first.rule_text).toContain('80%');
  expect(others).toHaveLength(2);

  const receipts = {};
  for (const person of ['demo-resident-1', 'demo-resident-4']) {
    // eslint-disable-next-line no-await-in-loop
    await as(person, async () => {
      await auth.login();
      const seen = await consultations.get(first.id);
      expect(seen.my_households).toHaveLength(1);
      const home = seen.my_households[0];
      expect(home).toMatchObject({ relation: 'owner', can_vote: true, vote: null });
      const changed = await consultations.vote(first.id, { householdId: home.household_id, choice: 'disagree' });
      const ballot = await consultations.vote(first.id, { householdId: home.household_id, choice: 'agree' });
      expect(ballot.receipt).not.toBe(changed.receipt);
      receipts[person] = ballot.receipt;
      await consultations.vote(second.id, { householdId: home.household_id, choice: 'agree' });
    });
  }

  await as('demo-staff-1', async () => {
    const live = await consultations.get(first.id);
    expect(live).toMatchObject({ voted: 2, eligible: 4, turnout: 0.5, agree: null, disagree: null, result: null });
    for (const householdId of others) {
      // eslint-disable-next-line no-await-in-loop
      const photo = await upload(PNG);
      expect(photo.status).toBe(201);
      // eslint-disable-next-line no-await-in-loop
      const paper = await request.post(`/consultations/${second.id}/paper-votes`,
        { household_id: householdId, choice: 'agree', file_id: photo.data.id });
      expect(paper.channel).toBe('paper');
    }
    const early = await consultations.close(first.id).catch((e) => e);
    expect(early).toMatchObject({ name: 'ApiError', status: 409, code: 'consultation_open' });
  });

  await sleep(Math.max(closesAt - Date.now() + 500, 0));

  const [failed, passed] = await as('demo-staff-1', async () => [
    await consultations.close(first.id), await consultations.close(second.id)]);
  // 2 × 5 < 4 × 4: both voters agreed, but the rule counts all four households.
  expect(failed).toMatchObject({ status: 'closed', result: 'failed', agree: 2, disagree: 0, voted: 2, eligible: 4 });
  // 4 × 5 ≥ 4 × 4
  expect(passed).toMatchObject({ status: 'closed', result: 'passed', agree: 4, voted: 4 });

  await as('demo-resident-1', async () => {
    const home = (await consultations.get(first.id)).my_households[0];
    expect(home.can_vote).toBe(false);
    const late = await consultations.vote(first.id, { householdId: home.household_id, choice: 'agree' }).catch((e) => e);
    expect(late).toMatchObject({ status: 409, code: 'consultation_closed' });
    const published = await consultations.receipts(first.id);
    expect(published.items.map((i) => i.receipt).sort()).toEqual(Object.values(receipts).sort());
    const again = await consultations.get(first.id);
    expect(again).toMatchObject({ result: 'failed', agree: 2, receipts_hash: failed.receipts_hash });
  });
}, 60000);
