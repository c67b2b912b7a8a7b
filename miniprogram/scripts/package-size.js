/**
 * The size of each package as WeChat uploads it with "ignoreUploadUnusedFiles": the files
 * reachable from app.json (pages, the custom tab bar, components, require(), wxml
 * import/include/wxs, wxss @import),
 * grouped into the main package and the subpackages. Files nobody references are not uploaded,
 * so they are not counted; miniprogram_npm belongs to the main package.
 *
 *   node scripts/package-size.js      prints the figures (KB) and the 500 KB budget check
 */
const fs = require('fs');
const path = require('path');

const COMPONENT_EXTS = ['.js', '.json', '.wxml', '.wxss'];

function exists(p) {
  try {
    return fs.statSync(p).isFile();
  } catch (e) {
    return false;
  }
}

/** Find an npm path like "tdesign-miniprogram/button/button" in miniprogram_npm above `fromDir`. */
function resolveNpm(root, fromDir, request, exts) {
  let dir = fromDir;
  for (;;) {
    const base = path.join(dir, 'miniprogram_npm', request);
    for (const candidate of [base, path.join(base, 'index')]) {
      if (exts.some((ext) => exists(candidate + ext))) return candidate;
    }
    if (exists(base) && exts.includes(path.extname(base))) return base.slice(0, -path.extname(base).length);
    if (path.resolve(dir) === path.resolve(root)) return null;
    dir = path.dirname(dir);
  }
}

function resolveRef(root, fromDir, ref, exts) {
  if (ref.startsWith('/')) return path.join(root, ref);
  if (ref.startsWith('.')) return path.join(fromDir, ref);
  return resolveNpm(root, fromDir, ref, exts) || path.join(fromDir, ref);
}

function jsDeps(root, file, text) {
  const out = [];
  // require("x"), import ... from "x", export ... from "x", import "x" (TDesign ships ES modules).
  const re = /require\(\s*['"]([^'"]+)['"]\s*\)|\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]/g;
  let m;
  while ((m = re.exec(text))) {
    const ref = m[1] || m[2] || m[3];
    const base = resolveRef(root, path.dirname(file), ref.replace(/\.js$/, ''), ['.js']);
    for (const c of [`${base}.js`, path.join(base, 'index.js')]) {
      if (exists(c)) { out.push(c); break; }
    }
  }
  return out;
}

function wxmlDeps(root, file, text) {
  const out = [];
  const re = /<(import|include|wxs)\b[^>]*\bsrc\s*=\s*['"]([^'"{}]+)['"]/g;
  let m;
  while ((m = re.exec(text))) {
    const p = resolveRef(root, path.dirname(file), m[2], ['.wxml', '.wxs']);
    const ext = m[1] === 'wxs' ? '.wxs' : '.wxml';
    out.push(p.endsWith(ext) ? p : p + ext);
  }
  return out;
}

function wxssDeps(root, file, text) {
  const out = [];
  const re = /@import\s+['"]([^'"]+)['"]/g;
  let m;
  while ((m = re.exec(text))) {
    const p = resolveRef(root, path.dirname(file), m[1], ['.wxss']);
    out.push(p.endsWith('.wxss') ? p : `${p}.wxss`);
  }
  return out;
}

/** Every file reachable from app.json, each once. */
function reachable(root) {
  const seen = new Set();
  const queue = [];
  const add = (p) => {
    const abs = path.resolve(p);
    if (!seen.has(abs) && exists(abs)) {
      seen.add(abs);
      queue.push(abs);
    }
  };
  const addComponent = (base) => COMPONENT_EXTS.forEach((ext) => add(base + ext));

  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
  ['app.js', 'app.json', 'app.wxss', app.sitemapLocation || 'sitemap.json']
    .forEach((f) => add(path.join(root, f)));
  (app.pages || []).forEach((p) => addComponent(path.join(root, p)));
  (app.subPackages || app.subpackages || []).forEach((sp) => (sp.pages || [])
    .forEach((p) => addComponent(path.join(root, sp.root, p))));
  if (app.tabBar && app.tabBar.custom) addComponent(path.join(root, 'custom-tab-bar', 'index'));

  while (queue.length) {
    const file = queue.shift();
    const text = fs.readFileSync(file, 'utf8');
    const dir = path.dirname(file);
    const ext = path.extname(file);
    if (ext === '.js' || ext === '.wxs') jsDeps(root, file, text).forEach(add);
    else if (ext === '.wxml') wxmlDeps(root, file, text).forEach(add);
    else if (ext === '.wxss') wxssDeps(root, file, text).forEach(add);
    else if (ext === '.json') {
      let json = {};
      try { json = JSON.parse(text); } catch (e) { json = {}; }
      Object.values(json.usingComponents || {}).forEach((ref) => {
        if (typeof ref === 'string' && !ref.startsWith('plugin://')) {
          addComponent(resolveRef(root, dir, ref, COMPONENT_EXTS));
        }
      });
    }
  }
  return [...seen];
}

/** Bytes per package: `main` and each subpackage root, from the reachable files. */
function packageSizes(root) {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
  const subs = (app.subPackages || app.subpackages || []).map((sp) => ({
    name: sp.name || sp.root, prefix: path.resolve(root, sp.root) + path.sep,
  }));
  const sizes = { main: 0 };
  const files = { main: [] };
  subs.forEach((s) => { sizes[s.name] = 0; files[s.name] = []; });
  reachable(root).forEach((file) => {
    const owner = subs.find((s) => file.startsWith(s.prefix));
    const key = owner ? owner.name : 'main';
    sizes[key] += fs.statSync(file).size;
    files[key].push(path.relative(root, file));
  });
  return { sizes, files };
}

const MAIN_LIMIT_BYTES = 500 * 1024;

module.exports = { reachable, packageSizes, MAIN_LIMIT_BYTES };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const { sizes, files } = packageSizes(root);
  Object.keys(sizes).forEach((k) => {
    console.log(`${k.padEnd(10)} ${(sizes[k] / 1024).toFixed(1).padStart(8)} KB  ${files[k].length} files`);
  });
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`${'total'.padEnd(10)} ${(total / 1024).toFixed(1).padStart(8)} KB`);
  const ratio = sizes.main / MAIN_LIMIT_BYTES;
  console.log(`main package: ${(ratio * 100).toFixed(1)}% of the 500 KB budget (WeChat's limit: 2048 KB)`);
  process.exit(sizes.main > MAIN_LIMIT_BYTES ? 1 : 0);
}
