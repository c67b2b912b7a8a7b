/**
 * Jest setup: a `wx` stub with real in-memory storage and jest.fn APIs, and pages loaded as
 * components by miniprogram-simulate (Page() becomes Component() with onLoad/onShow on attach).
 */
const IN_DOM = typeof window !== 'undefined';
const simulate = IN_DOM ? require('miniprogram-simulate') : null;
const simulateUtils = IN_DOM ? require('miniprogram-simulate/src/utils') : null;

function makeWx() {
  const storage = new Map();
  return {
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop', appId: 'touristappid' } }),
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => { storage.set(k, v); },
    removeStorageSync: (k) => { storage.delete(k); },
    request: jest.fn(),
    login: jest.fn(({ success }) => success({ code: 'wx-real-code' })),
    showToast: jest.fn(),
    showModal: jest.fn(({ success }) => success && success({ confirm: true, cancel: false })),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    navigateBack: jest.fn(),
    switchTab: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    openSetting: jest.fn(),
    getLocation: jest.fn(({ success }) => success({ latitude: 29.3401, longitude: 105.2893 })),
    scanCode: jest.fn(),
    setKeepScreenOn: jest.fn(),
    getScreenBrightness: jest.fn(({ success, complete }) => { success({ value: 0.4 }); if (complete) complete(); }),
    setScreenBrightness: jest.fn(),
    chooseLocation: jest.fn(),
    openLocation: jest.fn(),
    makePhoneCall: jest.fn(),
    setNavigationBarTitle: jest.fn(),
  };
}

global.wx = makeWx();
global.getApp = () => ({ globalData: {} });

// miniprogram-simulate runs a component's file with require(); jest caches modules, so a file
// runs once per test file. Keep each definition and register it again on the next load.
const definitions = {};
let lastDefinition = null;
const register = global.Component;
if (IN_DOM) {
  global.Component = (def) => {
    lastDefinition = def;
    register(def);
  };
  simulateUtils.runJs = (filePath) => {
    if (definitions[filePath]) {
      register(definitions[filePath]);
      return;
    }
    lastDefinition = null;
    require(filePath);
    definitions[filePath] = lastDefinition;
  };
}

/** A page definition as a component: onLoad(query) then onShow() when attached. */
global.Page = (def) => {
  const methods = {};
  Object.keys(def).forEach((k) => {
    if (typeof def[k] === 'function') methods[k] = def[k];
  });
  global.Component({
    data: def.data || {},
    methods,
    lifetimes: {
      attached() {
        const query = global.__pageQuery || {};
        if (this.onLoad) this.onLoad(query);
        if (this.onShow) this.onShow();
      },
    },
  });
};

beforeEach(() => {
  global.wx = makeWx();
});

// Everywhere: a success toast says at most 7 characters (WeChat cuts the rest); longer news goes
// in a modal or on the page. Every test that shows one is held to it.
afterEach(() => {
  const calls = (global.wx && global.wx.showToast && global.wx.showToast.mock) ? global.wx.showToast.mock.calls : [];
  const long = calls.map(([o]) => o).filter((o) => o && o.icon === 'success' && String(o.title).length > 7);
  if (long.length) throw new Error(`success toast over 7 characters: ${long.map((o) => o.title).join(', ')}`);
});

module.exports = { simulate, makeWx };
