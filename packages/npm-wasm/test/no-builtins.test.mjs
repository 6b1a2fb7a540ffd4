// The ESM build in a context without Node built-ins (as Deno, Bun and Workers run it): see
// no-builtins-child.mjs. A child process, because node:vm modules need a flag.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const vectors = JSON.parse(readFileSync(new URL('../../../tests/vectors/signatures.json', import.meta.url), 'utf8'));
const guide = vectors.sign.find((c) => c.name === 'v1_guide_example');

test('dist/esm imports and works in a vm context with no require/process/Buffer', () => {
  const child = fileURLToPath(new URL('no-builtins-child.mjs', import.meta.url));
  const args = JSON.stringify([guide.body, guide.expected_header, guide.secrets[0], guide.timestamp]);
  const out = JSON.parse(
    execFileSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', child, args], { encoding: 'utf8' }),
  );
  assert.deepEqual(out.globals, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  assert.deepEqual(out.verified, { scheme: 'v1', timestamp: guide.timestamp, secretIndex: 0 });
  assert.equal(out.event, 'evt_ticket_created_a1B2c3D4');
  assert.deepEqual(out.error, ['WebhookVerificationError', 'no_matching_signature', true, 400]);
  assert.deepEqual(out.causes, ['trailing_newline']);
  assert.equal(out.sign, true);
  assert.equal(out.codes, 7);
  assert.deepEqual(out.schedule, [0, 30, 120, 600, 3600, 21600, 86400]);
});
