/**
 * P7: the main package stays within 500 KB (WeChat refuses more than 2 MB). Measured as WeChat
 * uploads it with "ignoreUploadUnusedFiles": files reachable from app.json, TDesign included.
 * `npm test` builds miniprogram_npm first (pretest), so the library is counted.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { MP_ROOT } = require('./helpers/page');
const { packageSizes, MAIN_LIMIT_BYTES } = require('../../miniprogram/scripts/package-size');

function fixture(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-size-'));
  Object.entries(files).forEach(([name, content]) => {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  });
  return root;
}

describe('package size', () => {
  test('the main package is at most 500 KB, TDesign components included', () => {
    const { sizes, files } = packageSizes(MP_ROOT);
    // The measurement really covers the tab pages and the packed library, or it proves nothing.
    expect(files.main).toEqual(expect.arrayContaining([
      'app.js', 'pages/home/index.wxml', 'pages/mine/index.js', 'custom-tab-bar/index.wxml',
      'miniprogram_npm/tdesign-miniprogram/button/button.js',
      'miniprogram_npm/tdesign-miniprogram/qrcode/qrcode.js',
    ]));
    expect(files.resident).toEqual(expect.arrayContaining(['packages/resident/order/index.js']));
    expect(sizes.main).toBeLessThanOrEqual(MAIN_LIMIT_BYTES);
  });

  test('the check counts what is referenced and fails past the budget', () => {
    const big = 'x'.repeat(MAIN_LIMIT_BYTES + 1);
    const root = fixture({
      'app.json': JSON.stringify({
        pages: ['pages/a/index'],
        subPackages: [{ root: 'sub', name: 'sub', pages: ['p/index'] }],
      }),
      'app.js': "require('./utils/big.js')",
      'utils/big.js': big,
      'utils/unused.js': big,
      'pages/a/index.js': '',
      'pages/a/index.json': JSON.stringify({ usingComponents: { 'x-c': '/components/c/index' } }),
      'pages/a/index.wxml': '<x-c/>',
      'components/c/index.js': 'import { f } from "../../utils/lib";',
      'utils/lib.js': 'export const f = 1;',
      'sub/p/index.js': "require('../../utils/shared.js')",
      'utils/shared.js': 'module.exports = 1;',
    });
    const { sizes, files } = packageSizes(root);
    expect(files.main).toEqual(expect.arrayContaining(['utils/big.js', 'components/c/index.js', 'utils/lib.js', 'utils/shared.js']));
    expect(files.main).not.toContain('utils/unused.js');
    expect(files.sub).toEqual(['sub/p/index.js']);
    expect(sizes.main).toBeGreaterThan(MAIN_LIMIT_BYTES);
  });
});
