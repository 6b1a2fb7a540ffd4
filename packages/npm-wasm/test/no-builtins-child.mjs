// Run by no-builtins.test.mjs with --experimental-vm-modules: imports dist/esm/index.mjs in
// a fresh V8 context that has no require, process, Buffer, module or node: imports — only
// the ECMAScript globals, WebAssembly and TextEncoder/TextDecoder (which Deno, Bun, Workers
// and browsers provide). Any import that is not a relative file of the package fails.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const entry = new URL('../dist/esm/index.mjs', import.meta.url);
const [body, header, secret, now] = JSON.parse(process.argv[2]);
const context = vm.createContext({ TextEncoder, TextDecoder, console: { log() {}, warn() {}, error() {} } });
const cache = new Map();

function load(url) {
  if (!cache.has(url.href)) {
    const source = readFileSync(url, 'utf8');
    cache.set(url.href, new vm.SourceTextModule(source, { context, identifier: url.href }));
  }
  return cache.get(url.href);
}

const root = load(entry);
await root.link((specifier, referencing) => {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    throw new Error(`the ESM build imports "${specifier}": not allowed without Node built-ins`);
  }
  return load(new URL(specifier, referencing.identifier));
});
await root.evaluate();

const script = new vm.Script(`(${(function check(w, body, header, secret, now) {
  const out = {};
  out.globals = [typeof require, typeof process, typeof Buffer, typeof module, typeof fetch];
  out.verified = w.verify(body, header, secret, { now });
  out.event = w.constructEvent(new TextEncoder().encode(body), header, [secret], { now }).id;
  try {
    w.verify(body + ' ', header, secret, { now });
  } catch (e) {
    out.error = [e.name, e.code, e instanceof w.WebhookVerificationError, e.statusCode];
  }
  out.causes = w.diagnose(body + '\n', header, secret, { now }).causes.map((c) => c.code);
  out.sign = w.sign(body, secret, { timestamp: now }) === header;
  out.codes = w.ERROR_CODES.length;
  out.schedule = w.retrySchedule();
  return JSON.stringify(out);
}).toString()})`, { filename: 'check.js' });
const check = script.runInContext(context);
process.stdout.write(check(root.namespace, body, header, secret, now));
