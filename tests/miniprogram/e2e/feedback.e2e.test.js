/**
 * @jest-environment node
 *
 * End to end, 社情民意, through the mini-program's own services and upload helper against the
 * real API: a resident uploads a photo and reports a broken lamp in 观湖花园 1栋; it reaches the
 * grid worker of that building's grid (demo-grid-1), who accepts it and resolves it with a photo
 * of the repair; the resident rates it, which closes it, and it counts as a problem solved.
 */
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { startServer } = require('./server');
const { as } = require('./wx-node');
const config = require('../../../miniprogram/config');
const auth = require('../../../miniprogram/services/auth');
const feedback = require('../../../miniprogram/packages/feedback/services/feedback');
const upload = require('../../../miniprogram/packages/feedback/services/upload');

// A 1×1 PNG: the API decodes and re-encodes every image, so it must be a real one.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let server;
let photoPath;

beforeAll(async () => {
  server = await startServer();
  config.baseUrl = server.baseUrl;
  photoPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llt-photo-')), 'lamp.png');
  fs.writeFileSync(photoPath, PNG);
}, 90000);

afterAll(async () => {
  if (server) await server.stop();
  if (photoPath) fs.rmSync(path.dirname(photoPath), { recursive: true, force: true });
});

/** Today in Asia/Shanghai, as the API counts days. */
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

function fetchStatus(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] }));
    }).on('error', reject);
  });
}

test('report with a photo → the grid worker accepts → resolves with a photo → the resident rates: solved', async () => {
  const created = await as('demo-resident-1', async () => {
    const me = await auth.me();
    const communityId = me.households[0].community_id;
    const buildings = await feedback.buildings(communityId);
    const garden = buildings.items.find((b) => b.compound_name === '观湖花园' && b.name === '1栋');
    const photo = await upload.uploadFile(photoPath);
    expect(photo).toMatchObject({ content_type: 'image/png', width: 1, height: 1 });
    return feedback.create({
      communityId, category: 'facility', text: '1栋2单元三楼楼道灯坏了，晚上看不见台阶',
      buildingId: garden.id, photoIds: [photo.id],
    });
  });
  expect(created).toMatchObject({ status: 'open', responsible: 'grid', mine: true });
  expect(created.grid_id).toEqual(expect.any(Number));
  expect(created.clock).toMatchObject({ step: 'accept', overdue: false });
  expect(created.photos).toHaveLength(1);

  await as('demo-grid-1', async () => {
    const queue = await feedback.list({ scope: 'grid', limit: 100 });
    const mine = queue.items.find((r) => r.id === created.id);
    expect(mine).toMatchObject({ status: 'open', actions: ['accept', 'transfer'] });
    // Overdue first: nothing after an overdue report is overdue unless everything before it is.
    const flags = queue.items.map((r) => r.overdue);
    expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    expect((await feedback.accept(created.id)).status).toBe('accepted');
    const proof = await upload.uploadFile(photoPath);
    const resolved = await feedback.resolve(created.id, '已更换灯泡，恢复照明', [proof.id]);
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution.photos.map((p) => p.id)).toEqual([proof.id]);
  });

  await as('demo-resident-1', async () => {
    const before = (await feedback.rates(1, today(), today())).problems_solved;
    const seen = await feedback.get(created.id);
    expect(seen.actions).toEqual(['rate', 'reopen']);
    const shown = await fetchStatus(upload.fileSrc(seen.resolution.photos[0].url));
    expect(shown).toMatchObject({ status: 200, type: 'image/png' });
    const closed = await feedback.rate(created.id, 5, '修得很快');
    expect(closed).toMatchObject({ status: 'closed', rating: 5, clock: null });
    const after = await feedback.rates(1, today(), today());
    expect(after.problems_solved).toBe(before + 1);
    const events = await feedback.events(created.id);
    expect(events.items.map((e) => e.action)).toEqual(['create', 'accept', 'resolve', 'rate']);
    expect(events.items.map((e) => e.actor.role)).toEqual(['author', 'handler', 'handler', 'author']);
  });

  // A resident of another community may not even learn it exists.
  await as('demo-resident-3', async () => {
    const err = await feedback.get(created.id).catch((e) => e);
    expect(err).toMatchObject({ status: 404 });
  });
});
