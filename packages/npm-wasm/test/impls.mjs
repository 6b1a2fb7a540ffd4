// The entry points every suite here runs against: the Node CommonJS entry (what
// `require('@cstar/webhooks-wasm')` gives), its ESM twin, and the inline ESM entry used by
// Deno, Bun and bundlers (no Node built-ins, .wasm embedded, no init call).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const impls = [
  ['node-cjs', require('..')],
  ['node-esm', await import('../dist/node/index.mjs')],
  ['inline-esm', await import('../dist/esm/index.mjs')],
];
