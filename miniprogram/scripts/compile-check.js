/**
 * Compile every WXML and WXSS file the mini-program uploads with WeChat's own compilers, `wcc`
 * and `wcsc` (from miniprogram-compiler, installed with miniprogram-simulate). A broken tag, an
 * unclosed rule or a bad expression fails here as it would in DevTools.
 *
 *   node scripts/compile-check.js      prints the result; exit code 1 on any error
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { reachable } = require('./package-size');

function binary(name) {
  const dir = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin');
  const platform = { darwin: 'mac', linux: 'linux', win32: 'windows' }[process.platform];
  const file = path.join(dir, platform, process.platform === 'win32' ? `${name}.exe` : name);
  try {
    fs.chmodSync(file, 0o755);
  } catch (e) {
    // read-only install: it may already be executable
  }
  return file;
}

const rel = (root, file) => path.relative(root, file).split(path.sep).join('/');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return null;
  }
}

/** The files to compile: given, or every reachable one (TDesign included). */
function filesOf(root, files) {
  const all = (files || reachable(root)).map((f) => path.resolve(root, f));
  return {
    wxml: all.filter((f) => f.endsWith('.wxml')),
    wxs: all.filter((f) => f.endsWith('.wxs')),
    wxss: all.filter((f) => f.endsWith('.wxss')),
  };
}

/** wcc over all WXML at once (imports and templates resolve across files). */
function compileWxml(root, wxml, wxs) {
  if (!wxml.length) return [];
  const app = readJson(path.join(root, 'app.json')) || {};
  const globalTags = Object.keys(app.usingComponents || {});
  const components = [];
  wxml.forEach((file) => {
    const json = readJson(file.replace(/\.wxml$/, '.json'));
    if (!json) return;
    const tags = Object.keys(json.usingComponents || {}).concat(json.component ? [] : globalTags);
    if (tags.length) components.push(rel(root, file), String(tags.length), ...tags);
  });
  const count = components.length ? wxml.filter((f) => readJson(f.replace(/\.wxml$/, '.json'))).length : 0;
  const args = ['-d', '-cc', [String(count)].concat(components).join(' ')]
    .concat(wxml.map((f) => rel(root, f)), wxs.map((f) => rel(root, f)), ['-gn', '$gwx']);
  const run = spawnSync(binary('wcc'), args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) return [`wcc could not run: ${run.error.message}`];
  return run.status === 0 ? [] : [`WXML: ${run.stderr.toString().trim() || `wcc exited ${run.status}`}`];
}

/** wcsc over all WXSS at once (imports resolve across files); components' come first. */
function compileWxss(root, wxss) {
  if (!wxss.length) return [];
  const isComponent = (f) => Boolean((readJson(f.replace(/\.wxss$/, '.json')) || {}).component);
  const components = wxss.filter(isComponent);
  const others = wxss.filter((f) => !isComponent(f));
  const args = ['-db', '-pc', String(components.length)]
    .concat(components.concat(others).map((f) => rel(root, f)));
  const run = spawnSync(binary('wcsc'), args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) return [`wcsc could not run: ${run.error.message}`];
  return run.status === 0 ? [] : [`WXSS: ${run.stderr.toString().trim() || `wcsc exited ${run.status}`}`];
}

/** {wxml, wxss, errors}: the files compiled (relative paths) and every compiler error. */
function compileAll(root, files) {
  const found = filesOf(root, files);
  const errors = compileWxml(root, found.wxml, found.wxs).concat(compileWxss(root, found.wxss));
  return { wxml: found.wxml.map((f) => rel(root, f)), wxss: found.wxss.map((f) => rel(root, f)), errors };
}

module.exports = { compileAll };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const { wxml, wxss, errors } = compileAll(root);
  errors.forEach((e) => console.error(e));
  console.log(`wcc: ${wxml.length} WXML, wcsc: ${wxss.length} WXSS, ${errors.length} error(s)`);
  process.exit(errors.length ? 1 : 0);
}
