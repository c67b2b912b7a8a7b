/**
 * WeChat's code quality scan (`miniprogram-ci` checkCodeQuality, the same as DevTools' 代码质量),
 * offline. It runs on a copy of what WeChat uploads — the files reachable from app.json, as with
 * "ignoreUploadUnusedFiles", plus project.config.json — because it would count node_modules and
 * the unused part of miniprogram_npm otherwise. Fails on the findings we keep at zero:
 * PACKAGE_SIZE_LIMIT, JS/WXML/WXSS_COMPRESS_OPEN, LAZYCODE_LOADING_OPEN, CONTAINS_OTHER_PKG_JS.
 *
 *   node scripts/quality-check.js [project dir]     prints the findings; exit code 1 on a failure
 *   node scripts/quality-check.js --json [dir]      one JSON line: {results, failures}
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { reachable } = require('./package-size');

const FAIL_ON = ['PACKAGE_SIZE_LIMIT', 'JS_COMPRESS_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN',
  'LAZYCODE_LOADING_OPEN', 'CONTAINS_OTHER_PKG_JS'];

/** A temporary copy of what is uploaded (reachable files and the project config). */
function uploadCopy(root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-quality-'));
  const files = reachable(root).map((f) => path.relative(root, f)).concat(['project.config.json']);
  files.forEach((file) => {
    const from = path.join(root, file);
    if (!fs.existsSync(from)) return;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  });
  return dir;
}

async function check(root) {
  const ci = require('miniprogram-ci');
  const copy = uploadCopy(root);
  try {
    const config = JSON.parse(fs.readFileSync(path.join(root, 'project.config.json'), 'utf8'));
    const project = new ci.Project({
      appid: config.appid || 'touristappid',
      type: 'miniProgram',
      projectPath: copy,
      privateKeyPath: path.join(copy, 'project.config.json'), // never read by the quality scan
      ignores: ['node_modules/**/*'],
    });
    const results = (await ci.checkCodeQuality(project)).map((r) => ({
      name: r.name, success: Boolean(r.success), text: r.text || '', detail: r.detail,
    }));
    const failures = results.filter((r) => FAIL_ON.includes(r.name) && !r.success);
    return { results, failures };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

module.exports = { check, uploadCopy, FAIL_ON };

if (require.main === module) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const root = path.resolve(args.find((a) => a !== '--json') || path.join(__dirname, '..'));
  check(root).then(({ results, failures }) => {
    if (json) {
      process.stdout.write(`${JSON.stringify({ results, failures })}\n`);
    } else {
      results.forEach((r) => console.log(`${r.success ? 'ok  ' : 'FAIL'} ${r.name}: ${r.text}`
        + `${!r.success && r.detail ? ` ${JSON.stringify(r.detail).slice(0, 300)}` : ''}`));
      console.log(failures.length ? `${failures.length} finding(s) to fix` : 'code quality: nothing to fix');
    }
    // The scan leaves a file watcher running: end the process explicitly.
    process.exit(failures.length ? 1 : 0);
  }).catch((e) => {
    console.error('code quality scan failed:', e && e.message ? e.message : e);
    process.exit(2);
  });
}
