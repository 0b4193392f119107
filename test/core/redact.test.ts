/** The one URL redaction rule that errors and traces share. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactURL } from '../../src/core/redact.ts';

test('redactURL replaces userinfo and the values of secret query parameters', () => {
  assert.equal(
    redactURL('http://user:pa55@127.0.0.1:8/p?q=shoes&Token=s3cret&API%5Fkey=k'),
    'http://[REDACTED]@127.0.0.1:8/p?q=shoes&Token=REDACTED&API%5Fkey=REDACTED',
  );
});

test('redactURL redacts secret pairs in a fragment, as OAuth implicit flows return tokens', () => {
  assert.equal(
    redactURL('http://127.0.0.1/cb?state=1#access_token=s3cret&token_type=bearer'),
    'http://127.0.0.1/cb?state=1#access_token=REDACTED&token_type=bearer',
  );
  assert.equal(redactURL('http://127.0.0.1/cb#token=s3cret'), 'http://127.0.0.1/cb#token=REDACTED');
  assert.equal(redactURL('http://127.0.0.1/doc#section-2'), 'http://127.0.0.1/doc#section-2');
});

test('redactURL works on text that does not parse as a URL, and is idempotent', () => {
  const once = redactURL('htp:/u:pa55@x?password=hunter2#key=k');
  assert.equal(once, 'htp:/[REDACTED]@x?password=REDACTED#key=REDACTED');
  assert.equal(redactURL(once), once);
});

test('redactURL with an empty list removes only the userinfo', () => {
  assert.equal(
    redactURL('http://u:p@127.0.0.1/?token=t#token=t', new Set()),
    'http://[REDACTED]@127.0.0.1/?token=t#token=t',
  );
});
