/**
 * The one place that knows where the API is.
 *
 * `develop` (WeChat DevTools) talks to a local `make run` server; `trial` and `release` talk to
 * production. In development the API runs the fake WeChat client, so logging in can use a demo
 * identity instead of `wx.login` (see `utils/auth.js`).
 */
const ENVS = {
  develop: { baseUrl: 'http://127.0.0.1:5000', fakeWechat: true },
  trial: { baseUrl: 'https://api.linlitong.example.cn', fakeWechat: false },
  release: { baseUrl: 'https://api.linlitong.example.cn', fakeWechat: false },
};

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion || 'develop';
  } catch (e) {
    return 'develop';
  }
}

const env = envVersion();
const current = ENVS[env] || ENVS.develop;

module.exports = {
  /** Reported with errors; raise it with each upload. */
  version: '1.1.0',
  env,
  baseUrl: current.baseUrl,
  apiPrefix: '/api/v1',
  fakeWechat: current.fakeWechat,
  /** Demo identity used in development until one is picked in 我的 (empty: real wx.login). */
  defaultDevIdentity: current.fakeWechat ? 'demo-resident-1' : '',
  timeoutMs: 10000,
  demoIdentities: [
    'demo-resident-1', 'demo-resident-2', 'demo-resident-3', 'demo-staff-1', 'demo-staff-2',
    'demo-partner-1', 'demo-partner-2', 'demo-merchant-1', 'demo-volunteer-1', 'demo-grid-1', 'demo-admin',
    'demo-committee-1', 'demo-committee-2', 'demo-property-1',
  ],
};
