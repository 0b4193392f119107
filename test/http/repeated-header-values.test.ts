import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeatedValue } from '../../src/http/repeated-header-values.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

test('a remembered header gives the value just sent, whether it repeats or changes', () => {
  assert.equal(repeatedValue('content-type', 'text/plain'), 'text/plain');
  assert.equal(repeatedValue('content-type', 'text/plain'), 'text/plain');
  assert.equal(repeatedValue('content-type', 'application/json'), 'application/json');
  assert.equal(repeatedValue('content-type', 'text/plain'), 'text/plain');
  // A remembered header sent empty is empty (the memory starts as '' for every name).
  assert.equal(repeatedValue('server', ''), '');
  assert.equal(repeatedValue('server', 'nginx'), 'nginx');
  // A header that is not remembered passes as it is.
  assert.equal(repeatedValue('etag', '"a"'), '"a"');
  assert.equal(repeatedValue('etag', '"b"'), '"b"');
});

test('responses in a row each carry their own header values and reason', async (t) => {
  const sent = [
    { type: 'text/plain', length: '1', body: 'a', status: 200, reason: 'OK' },
    { type: 'text/plain', length: '2', body: 'bb', status: 200, reason: 'Fine' },
    { type: 'application/json', length: '2', body: '{}', status: 200, reason: '' },
    { type: 'text/plain', length: '1', body: 'c', status: 201, reason: 'Created' },
  ];
  let next = 0;
  const server = await startServer(t, (_request, response) => {
    const { type, length, body, status, reason } = sent[next++] as (typeof sent)[number];
    response.writeHead(status, reason, { 'content-type': type, 'content-length': length });
    response.end(body);
  });
  const session = openSession(t, { baseURL: server.origin });
  for (const expected of sent) {
    const response = await session.get('/');
    assert.equal(response.headers['content-type'], expected.type);
    assert.equal(response.headers['content-length'], expected.length);
    assert.equal(response.text, expected.body);
    // An empty reason phrase reads as the standard one.
    assert.equal(response.reason, expected.reason || 'OK');
  }
});
