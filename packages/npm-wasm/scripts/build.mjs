// Builds @cstar/webhooks-wasm from source:
//   1. cargo build -p cstar-webhooks-wasm --target wasm32-unknown-unknown --profile wasm-release
//      (with sha2 at opt-level 3: the hot loop of verify)
//   2. wasm-bindgen 0.2.130 for the nodejs, web and no-modules targets
//   3. wasm-opt -Oz with a flatten/rereloop round (npm binaryen@132), then strip every custom section
//   4. the entry points around src/api.js:
//        dist/node/index.cjs, index.mjs   Node: loads the .wasm synchronously, no init call
//        dist/web/index.mjs               browsers: `await init()` (fetches the .wasm) or initSync
//        dist/esm/index.mjs               no Node built-ins, no fetch, no init call (the .wasm
//                                         is embedded): Deno, Bun, bundlers, node:vm
//        dist/classic/webhooks.js         a classic <script> defining `cstarWebhooks` (for
//                                         pages opened from the file system: the inspector)
//   5. examples/inspector/inspector.bundle.js (classic script: glue + embedded .wasm + UI)
//
// Environment: CARGO_TARGET_DIR is honoured (otherwise `cargo metadata` tells the target dir);
// WASM_BINDGEN (default `wasm-bindgen`) names the CLI, which must be version 0.2.130.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(pkg, '..', '..');
const dist = join(pkg, 'dist');
const crate = 'cstar-webhooks-wasm';
const stem = 'cstar_webhooks_wasm';

function run(cmd, args, opts = {}) {
  console.log(`build: ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], cwd: root, ...opts });
}

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return process.env.CARGO_TARGET_DIR;
  const meta = JSON.parse(
    run('cargo', ['metadata', '--format-version', '1', '--no-deps'], { capture: true, encoding: 'utf8' }),
  );
  return meta.target_directory;
}

// 1. cargo. SHA-256 is the hot loop of `verify`: compiled for speed (+40% throughput at about
// the same gzipped size) while everything else stays size-tuned (opt-level "z").
run('cargo', [
  'build',
  '-p',
  crate,
  '--target',
  'wasm32-unknown-unknown',
  '--profile',
  'wasm-release',
  '--config',
  'profile.wasm-release.package.sha2.opt-level=3',
]);
const wasmIn = join(targetDir(), 'wasm32-unknown-unknown', 'wasm-release', `${stem}.wasm`);
if (!existsSync(wasmIn)) throw new Error(`build: ${wasmIn} not found after cargo build`);

// 2. wasm-bindgen
const bindgen = process.env.WASM_BINDGEN || 'wasm-bindgen';
const version = execFileSync(bindgen, ['--version'], { encoding: 'utf8' }).trim();
if (!version.endsWith(' 0.2.130')) {
  throw new Error(`build: ${bindgen} is "${version}", need 0.2.130 (cargo install wasm-bindgen-cli --version 0.2.130)`);
}
rmSync(dist, { recursive: true, force: true });
for (const [target, dir] of [
  ['nodejs', 'node'],
  ['web', 'web'],
  ['no-modules', 'classic'],
]) {
  run(bindgen, ['--target', target, '--no-typescript', '--out-dir', join(dist, dir), wasmIn]);
}

// 3. wasm-opt -Oz, then strip custom sections (names, producers, target features).
// -Oz alone left 35,805 B gzipped; flattening and re-relooping the control flow between two
// -Oz rounds (then iterating to a fixed point) gives ~415 B back at the same verify speed
// (measured: 1 KiB and 64 KiB verify within run-to-run noise).
const WASM_OPT_PASSES = ['-Oz', '--flatten', '--rereloop', '-Oz', '--converge'];
const wasmOpt = join(pkg, 'node_modules', '.bin', 'wasm-opt');
const features = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];

function stripCustomSections(buf) {
  const out = [buf.subarray(0, 8)];
  let i = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  };
  while (i < buf.length) {
    const start = i;
    const id = buf[i++];
    const size = leb();
    const end = i + size;
    if (id !== 0) out.push(buf.subarray(start, end));
    i = end;
  }
  return Buffer.concat(out);
}

for (const dir of ['node', 'web', 'classic']) {
  const file = join(dist, dir, `${stem}_bg.wasm`);
  run(wasmOpt, [...WASM_OPT_PASSES, '--strip-debug', '--strip-producers', ...features, file, '-o', file]);
  writeFileSync(file, stripCustomSections(readFileSync(file)));
}
const wasm = readFileSync(join(dist, 'web', `${stem}_bg.wasm`));
writeFileSync(join(dist, 'node', 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(dist, 'web', 'package.json'), '{ "type": "module" }\n');

// 4. entry points
const api = readFileSync(join(pkg, 'src', 'api.js'), 'utf8');
const NAMES = [
  'verify',
  'constructEvent',
  'parseEvent',
  'sign',
  'signLegacy',
  'generateTestHeaders',
  'parseHeaders',
  'diagnose',
  'flatten',
  'samplePayload',
  'retrySchedule',
  'catalog',
  'eventTypeInfo',
  'WebhookVerificationError',
  'isWebhookVerificationError',
  'INVALID_ARGUMENT',
  'isKnownEvent',
  'isEventType',
];
const CONSTANTS = ['ERROR_CODES', 'CAUSE_CODES', 'EVENT_TYPES', 'DEFAULT_TOLERANCE'];
const header = '// Generated by scripts/build.mjs from src/api.js: do not edit.\n';
// The idempotency helper is shared with the native package as is (plain JS, no Node built-ins).
const IDEMPOTENCY = ['MemoryIdempotencyStore', 'processOnce', 'DEFAULT_IDEMPOTENCY_TTL'];
const idempotency =
  `const idempotency = (() => {\n  const module = { exports: {} };\n` +
  `${readFileSync(join(root, 'packages', 'npm', 'idempotency.js'), 'utf8')}\n  return module.exports;\n})();\n`;
const esmFunctions =
  NAMES.map((n) => `export const ${n} = api.${n};`).join('\n') +
  `\n${idempotency}export const { ${IDEMPOTENCY.join(', ')} } = idempotency;\n`;

writeFileSync(
  join(dist, 'node', 'index.cjs'),
  `${header}'use strict';\nconst raw = require('./${stem}.js');\n${api}\nconst api = createApi(raw);\n` +
    `${idempotency}const { constants, ...functions } = api;\nmodule.exports = { ...functions, ...constants(), ...idempotency };\n`,
);
writeFileSync(
  join(dist, 'node', 'index.mjs'),
  `${header}import api from './index.cjs';\n${esmFunctions}\n` +
    CONSTANTS.map((n) => `export const ${n} = api.${n};`).join('\n') +
    `\n/** No-op: the Node entry is ready on import. */\nexport async function init() {}\nexport function initSync() {}\n`,
);

writeFileSync(
  join(dist, 'web', 'index.mjs'),
  `${header}import * as raw from './${stem}.js';\nimport wbgInit, { initSync as wbgInitSync } from './${stem}.js';\n` +
    `let initialized = false;\n` +
    `function ready() {\n  if (!initialized) throw new Error('@cstar/webhooks-wasm: call \`await init()\` (or \`initSync(module)\`) once before using the API');\n}\n` +
    `${api}\nconst api = createApi(raw, ready);\n${esmFunctions}\n` +
    `/** The core's constants: set by init(). */\nexport let ${CONSTANTS.join(', ')};\n` +
    `function done() {\n  if (!initialized) {\n    initialized = true;\n    ({ ${CONSTANTS.join(', ')} } = api.constants());\n  }\n}\n` +
    `/** Loads the .wasm (default: fetched beside this file; or a URL, Response, bytes or WebAssembly.Module). */\n` +
    `export async function init(input) {\n  if (!initialized) {\n    await wbgInit(input === undefined ? undefined : { module_or_path: input });\n    done();\n  }\n}\n` +
    `/** Synchronous init from bytes or a compiled WebAssembly.Module (Workers: import the .wasm module). */\n` +
    `export function initSync(module) {\n  if (!initialized) {\n    wbgInitSync({ module });\n    done();\n  }\n}\nexport default init;\n`,
);

// The embedded .wasm, decoded without atob/Buffer so that it runs anywhere.
const base64Decoder = `function decodeBase64(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const map = new Uint8Array(128);
  for (let i = 0; i < 64; i++) map[A.charCodeAt(i)] = i;
  const n = s.length;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const v = (map[s.charCodeAt(i)] << 18) | (map[s.charCodeAt(i + 1)] << 12) | (map[s.charCodeAt(i + 2)] << 6) | map[s.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}`;
mkdirSync(join(dist, 'esm'), { recursive: true });
writeFileSync(
  join(dist, 'esm', 'wasm-bytes.mjs'),
  `${header}${base64Decoder}\nexport const bytes = decodeBase64('${wasm.toString('base64')}');\n`,
);
writeFileSync(
  join(dist, 'esm', 'index.mjs'),
  `${header}import * as raw from '../web/${stem}.js';\nimport { initSync as wbgInitSync } from '../web/${stem}.js';\n` +
    `import { bytes } from './wasm-bytes.mjs';\nwbgInitSync({ module: bytes });\n` +
    `${api}\nconst api = createApi(raw);\n${esmFunctions}\n` +
    `export const { ${CONSTANTS.join(', ')} } = api.constants();\n` +
    `/** No-op: this entry is ready on import. */\nexport async function init() {}\nexport function initSync() {}\n`,
);

// The Fetch-API adapter (`verifyRequest`, `webhookHandler`: Workers, Deno, Bun, Next.js) is
// shared with the native package as is: its CommonJS sources run over this package's API.
const sharedModules = ['_adapter.js', 'fetch.js']
  .map(
    (name) =>
      `  './${name}': function (module, exports, require) {\n${readFileSync(join(root, 'packages', 'npm', name), 'utf8')}\n  },`,
  )
  .join('\n');
const fetchAdapter = (apiExpr) =>
  `const sources = {\n${sharedModules}\n};\nconst cache = {};\n` +
  `function load(name) {\n  if (name === './index.js') return ${apiExpr};\n  if (!(name in sources)) throw new Error('unknown module ' + name);\n` +
  `  if (!cache[name]) {\n    const module = { exports: {} };\n    cache[name] = module;\n    sources[name](module, module.exports, load);\n  }\n  return cache[name].exports;\n}\n` +
  `const fetchApi = load('./fetch.js');\n`;
const FETCH = ['verifyRequest', 'webhookHandler', 'webhookErrorResponse'];
writeFileSync(
  join(dist, 'node', 'fetch.cjs'),
  `${header}'use strict';\n${fetchAdapter("require('./index.cjs')")}module.exports = fetchApi;\n`,
);
for (const dir of ['node', 'esm', 'web']) {
  writeFileSync(
    join(dist, dir, 'fetch.mjs'),
    `${header}import * as api from './index.mjs';\n${fetchAdapter('api')}export const { ${FETCH.join(', ')} } = fetchApi;\n`,
  );
}

// Classic script (no modules, no fetch): defines the global `cstarWebhooks` once
// `cstarWebhooks.ready` resolves. Used by the inspector so it opens from the file system.
const classicGlue = readFileSync(join(dist, 'classic', `${stem}.js`), 'utf8');
const classic =
  `${header}(function (global) {\n'use strict';\n${classicGlue}\n${base64Decoder}\n${api}\n${idempotency}` +
  `const raw = wasm_bindgen;\nlet initialized = false;\n` +
  `const { constants, ...api } = createApi(raw, () => { if (!initialized) throw new Error('cstarWebhooks: await cstarWebhooks.ready first'); });\n` +
  `api.ready = wasm_bindgen({ module_or_path: decodeBase64('${wasm.toString('base64')}') }).then(() => { initialized = true; Object.assign(api, constants(), idempotency); return api; });\n` +
  `global.cstarWebhooks = api;\n})(typeof globalThis !== 'undefined' ? globalThis : this);\n`;
writeFileSync(join(dist, 'classic', 'webhooks.js'), classic);
rmSync(join(dist, 'classic', `${stem}.js`));
rmSync(join(dist, 'classic', `${stem}_bg.wasm`));

// 5. the inspector bundle (one classic script: works from file://, no network at all).
const inspector = join(root, 'examples', 'inspector');
if (existsSync(join(inspector, 'inspector.js'))) {
  writeFileSync(
    join(inspector, 'inspector.bundle.js'),
    `${classic}\n${readFileSync(join(inspector, 'inspector.js'), 'utf8')}`,
  );
}

// 6. the TypeScript types, shared with the native package.
run(process.execPath, [join(pkg, 'scripts', 'types.mjs')]);

const gz = gzipSync(wasm, { level: 9 }).length;
writeFileSync(
  join(dist, 'size.json'),
  `${JSON.stringify({ raw: wasm.length, gzip: gz, wasmBindgen: version, wasmOpt: `binaryen@132 ${WASM_OPT_PASSES.join(' ')}` }, null, 2)}\n`,
);
copyFileSync(join(dist, 'web', `${stem}_bg.wasm`), join(dist, 'webhooks.wasm'));
console.log(`build: ${stem}_bg.wasm ${wasm.length} bytes raw, ${gz} bytes gzip -9 (${(gz / 1024).toFixed(1)} KiB)`);
