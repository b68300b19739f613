import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isDocumentProblem,
  parseCredentialsDocument,
  serializeCredentialsDocument,
} from '../src/credentials-file.js';

// Issue 17 defect 5: a `__proto__` key in credentials.json must stay an ordinary entry, never reach a prototype.
test('credentials.json: a __proto__ entry stays an own entry through parse and serialize', () => {
  const doc = parseCredentialsDocument(
    '{"version":1,"credentials":{"__proto__":{"polluted":true},"abc":{"server_name":"x"}}}',
  );
  assert.ok(!isDocumentProblem(doc));
  assert.equal(Object.getPrototypeOf(doc.credentials), null);
  assert.deepEqual(Object.keys(doc.credentials).sort(), ['__proto__', 'abc']);
  assert.equal((doc.credentials as { polluted?: unknown }).polluted, undefined, 'no prototype was set');
  const again = parseCredentialsDocument(serializeCredentialsDocument(doc));
  assert.ok(!isDocumentProblem(again));
  assert.deepEqual(
    Object.keys(again.credentials).sort(),
    ['__proto__', 'abc'],
    'the entry is not dropped on write',
  );
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched');
});
