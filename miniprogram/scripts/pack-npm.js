/**
 * Build every miniprogram_npm/ of the project with WeChat's own miniprogram-ci (the same
 * "构建 npm" that DevTools runs), one per entry of project.config.json's
 * `setting.packNpmRelationList`: the main package's (TDesign, from ./package.json) and the staff
 * subpackage's (uCharts, from packages/staff/package.json into packages/staff/miniprogram_npm,
 * so the chart library is downloaded with the staff pages and never counts against the main
 * package). It works offline: it reads each package.json's node_modules only; a subpackage's
 * node_modules are installed by the root's `npm install` (postinstall).
 */
const fs = require('fs');
const path = require('path');
const ci = require('miniprogram-ci');

const root = path.resolve(__dirname, '..');

function relations() {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'project.config.json'), 'utf8'));
  return config.setting.packNpmRelationList.map((r) => ({
    packageJsonPath: path.join(root, r.packageJsonPath),
    miniprogramNpmDistDir: path.join(root, r.miniprogramNpmDistDir),
  }));
}

async function pack({ packageJsonPath, miniprogramNpmDistDir }) {
  const started = Date.now();
  const where = path.relative(root, miniprogramNpmDistDir) || '.';
  const pkg = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8'));
  Object.keys(pkg.dependencies || {}).forEach((dep) => {
    if (!fs.existsSync(path.join(path.dirname(packageJsonPath), 'node_modules', dep))) {
      throw new Error(`${dep} is not installed for ${where}: run npm install in miniprogram/`);
    }
  });
  const result = await ci.packNpmManually({ packageJsonPath, miniprogramNpmDistDir });
  if (result.warnList && result.warnList.length) {
    result.warnList.forEach((w) => console.warn('packNpm warning:', w.msg || JSON.stringify(w)));
  }
  console.log(`${where}/miniprogram_npm built: ${result.miniProgramPackNum} mini-program package(s), `
    + `${result.otherNpmPackNum} other, ${Date.now() - started} ms`);
}

async function main() {
  for (const relation of relations()) {
    // eslint-disable-next-line no-await-in-loop
    await pack(relation);
  }
}

module.exports = { relations };

if (require.main === module) {
  main().catch((e) => {
    console.error('packNpm failed:', e && e.message ? e.message : e);
    process.exit(1);
  });
}
