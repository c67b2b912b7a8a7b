/**
 * Build miniprogram_npm/ from package.json's `dependencies` with WeChat's own miniprogram-ci
 * (the same "构建 npm" that DevTools runs). It works offline: it reads node_modules only.
 */
const path = require('path');
const ci = require('miniprogram-ci');

const root = path.resolve(__dirname, '..');

async function main() {
  const started = Date.now();
  const result = await ci.packNpmManually({
    packageJsonPath: path.join(root, 'package.json'),
    miniprogramNpmDistDir: root,
  });
  if (result.warnList && result.warnList.length) {
    result.warnList.forEach((w) => console.warn('packNpm warning:', w.msg || JSON.stringify(w)));
  }
  console.log(`miniprogram_npm built: ${result.miniProgramPackNum} mini-program package(s), `
    + `${result.otherNpmPackNum} other, ${Date.now() - started} ms`);
}

main().catch((e) => {
  console.error('packNpm failed:', e && e.message ? e.message : e);
  process.exit(1);
});
