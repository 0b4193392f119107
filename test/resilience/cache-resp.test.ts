import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeCommand,
  RespErrorReply,
  RespParser,
  RespProtocolError,
} from '../../src/resilience/cache/resp.ts';

test('commands are arrays of binary-safe bulk strings', () => {
  const encoded = encodeCommand(['SET', 'k', new Uint8Array([0, 13, 10])]);
  assert.deepEqual(
    encoded,
    Buffer.concat([
      Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n'),
      Buffer.from([0, 13, 10]),
      Buffer.from('\r\n'),
    ]),
  );
});

test('replies of every type, split at every byte, come out whole and in order', () => {
  const wire = Buffer.from(
    '+OK\r\n-ERR wrong\r\n:42\r\n$5\r\nhe\r\no\r\n$-1\r\n*2\r\n$1\r\na\r\n:7\r\n*-1\r\n$0\r\n\r\n',
  );
  const expected = [
    'OK',
    new RespErrorReply('ERR wrong'),
    42,
    Buffer.from('he\r\no'),
    null,
    [Buffer.from('a'), 7],
    null,
    Buffer.alloc(0),
  ];
  for (let split = 0; split <= wire.length; split++) {
    const parser = new RespParser();
    const replies = [...parser.push(wire.subarray(0, split)), ...parser.push(wire.subarray(split))];
    assert.deepEqual(replies, expected, `split at ${split}`);
  }
  const bytewise = new RespParser();
  const replies = [];
  for (const byte of wire) replies.push(...bytewise.push(Buffer.from([byte])));
  assert.deepEqual(replies, expected);
});

test('a stream that is not RESP2 throws a protocol error', () => {
  assert.throws(() => new RespParser().push(Buffer.from('HTTP/1.1 200 OK\r\n')), RespProtocolError);
  assert.throws(() => new RespParser().push(Buffer.from(':12x\r\n')), RespProtocolError);
  assert.throws(() => new RespParser().push(Buffer.from('$-2\r\n')), RespProtocolError);
});
