/**
 * @jest-environment node
 *
 * WeChat's own tools as checks: every WXML and WXSS compiled by `wcc`/`wcsc` (a broken tag
 * fails), and miniprogram-ci's code quality scan offline on what is uploaded (package size,
 * compression, lazy code loading, no main-package JS used only by subpackages).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { compileAll } = require('../../miniprogram/scripts/compile-check');
const { FAIL_ON } = require('../../miniprogram/scripts/quality-check');

const MP_ROOT = path.resolve(__dirname, '..', '..', 'miniprogram');
const app = require('../../miniprogram/app.json');

function fixture(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-check-'));
  Object.entries(files).forEach(([name, content]) => {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), typeof content === 'string' ? content : JSON.stringify(content));
  });
  return root;
}

function quality(root) {
  const out = execFileSync(process.execPath, [path.join(MP_ROOT, 'scripts', 'quality-check.js'), '--json', root],
    { cwd: MP_ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 }).toString();
  return JSON.parse(out.trim().split('\n').pop());
}

/** quality() for a project expected to fail: the script exits 1 and still prints its JSON. */
function failingQuality(root) {
  try {
    return quality(root);
  } catch (e) {
    if (e.status !== 1) throw e;
    return JSON.parse(e.stdout.toString().trim().split('\n').pop());
  }
}

describe('wcc and wcsc', () => {
  test('every page, component and TDesign file compiles', () => {
    const { wxml, wxss, errors } = compileAll(MP_ROOT);
    expect(errors).toEqual([]);
    const pages = app.pages.concat(...app.subPackages.map((sp) => sp.pages.map((p) => `${sp.root}/${p}`)));
    pages.forEach((p) => expect(wxml).toContain(`${p}.wxml`));
    expect(wxml).toEqual(expect.arrayContaining(['components/list-state/index.wxml',
      'miniprogram_npm/tdesign-miniprogram/button/button.wxml']));
    expect(wxss).toContain('app.wxss');
  });

  test('a broken tag and a broken rule fail, naming their file', () => {
    const root = fixture({
      'app.json': { pages: ['p/index'] },
      'p/index.wxml': '<view><text>您好</view>',
      'p/index.wxss': '.a { color: red;',
    });
    const { errors } = compileAll(root);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/p\/index\.wxml.*end-tag `text`/);
    expect(errors[1]).toMatch(/p\/index\.wxss/);
  });

  test('a bad expression fails too', () => {
    const root = fixture({ 'app.json': { pages: ['p/index'] }, 'p/index.wxml': '<view>{{ a + }}</view>' });
    expect(compileAll(root).errors).toHaveLength(1);
  });
});

describe('code quality scan (miniprogram-ci, offline)', () => {
  test('the mini-program has no finding we fail on', () => {
    const { results, failures } = quality(MP_ROOT);
    expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(FAIL_ON));
    expect(failures).toEqual([]);
  }, 120000);

  test('it fails on compression off, no lazy loading and main JS used only by a subpackage', () => {
    const root = fixture({
      'project.config.json': { appid: 'touristappid', compileType: 'miniprogram', setting: { minified: true } },
      'app.json': { pages: ['pages/a/index'], subPackages: [{ root: 'sub', pages: ['b/index'] }] },
      'app.js': 'App({});',
      'pages/a/index.js': 'Page({});',
      'pages/a/index.wxml': '<view>a</view>',
      'sub/b/index.js': "const only = require('../../utils/only-sub.js'); Page({ data: { only } });",
      'sub/b/index.wxml': '<view>b</view>',
      'utils/only-sub.js': 'module.exports = 1;',
    });
    const names = failingQuality(root).failures.map((f) => f.name).sort();
    expect(names).toEqual(['CONTAINS_OTHER_PKG_JS', 'LAZYCODE_LOADING_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN']);
  }, 120000);
});
