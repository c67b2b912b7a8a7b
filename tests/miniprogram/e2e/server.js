/**
 * The real API for end-to-end tests: migrate and seed a fresh SQLite file, then serve it with
 * gunicorn (2 workers, the project's config) on a free loopback port, with the fake WeChat client.
 */
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Subscribe-message templates as an operator would configure them (WECHAT_TEMPLATES). */
const TEMPLATES = {
  accepted: { template_id: 'e2e-progress', keys: { thing1: 'title', thing2: 'body', time3: 'time' } },
  completed: { template_id: 'e2e-done', keys: { thing1: 'title', time2: 'time' } },
  dispatched: { template_id: 'e2e-task', keys: { thing1: 'title', thing2: 'body' } },
};
const BIN = path.join(REPO, '.venv', 'bin');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llt-e2e-'));
  const port = await freePort();
  const env = { ...process.env };
  delete env.REDIS_URL;
  Object.assign(env, {
    DATABASE_URL: `sqlite:///${path.join(dir, 'e2e.db')}`,
    FLASK_APP: 'wsgi.py',
    APP_ENV: 'development',
    WECHAT_MODE: 'fake',
    BIND: `127.0.0.1:${port}`,
    WEB_CONCURRENCY: '2',
    LOGIN_RATE_LIMIT: '1000 per minute',
    WRITE_RATE_LIMIT: '10000 per minute',
    ACCESS_LOG: '',
    WECHAT_TEMPLATES: JSON.stringify(TEMPLATES),
  });
  const run = (args) => execFileSync(path.join(BIN, 'flask'), args, { cwd: REPO, env, stdio: 'pipe' });
  run(['db', 'upgrade']);
  run(['seed-demo']);

  const log = fs.openSync(path.join(dir, 'gunicorn.log'), 'a');
  const proc = spawn(path.join(BIN, 'gunicorn'), ['-c', 'gunicorn.conf.py', 'wsgi:app'],
    { cwd: REPO, env, stdio: ['ignore', log, log] });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  while (await get(`${baseUrl}/healthz`) !== 200) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`API did not start; see ${path.join(dir, 'gunicorn.log')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    baseUrl,
    dir,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startServer, TEMPLATES };
