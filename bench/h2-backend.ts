import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { TLSSocket } from 'node:tls';
import { selfSigned } from './self-signed.ts';

// W6's backend, run in its own process: one origin over TLS on 127.0.0.1 that speaks HTTP/2 and
// HTTP/1.1 (ALPN ['h2', 'http/1.1']), with a fresh self-signed certificate.
//   /fast          a ~50-byte JSON body at once
//   /delay?ms=N    the same after N ms
// It prints one JSON line on stdout, { port, cert } (the certificate is the CA clients trust), then
// answers each "stats" line on stdin with one JSON line of the connections it accepted so far
// (see H2Stats in bench/h2-backend-process.ts). It serves until stdin ends.
const BODY = Buffer.from('{"id":1,"name":"fanout","ok":true,"items":[1,2,3]}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

// TCP connections accepted, and of those that finished the TLS handshake, by ALPN protocol.
const stats = { accepted: 0, h2: 0, http1: 0 };

function answer(response: Http2ServerResponse) {
  response.writeHead(200, HEADERS);
  response.end(BODY);
}

function handle(request: Http2ServerRequest, response: Http2ServerResponse) {
  const url = request.url ?? '/';
  if (url.startsWith('/delay')) {
    const ms = Number(new URL(url, 'https://x').searchParams.get('ms') ?? 0);
    setTimeout(() => answer(response), ms);
    return;
  }
  answer(response);
}

const pair = selfSigned();
const server = createSecureServer(
  { ...pair, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'] },
  handle,
);
server.on('connection', () => stats.accepted++);
server.on('secureConnection', (socket: TLSSocket) => {
  if (socket.alpnProtocol === 'h2') stats.h2++;
  else stats.http1++;
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port, cert: pair.cert })}\n`);
});
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'stats') process.stdout.write(`${JSON.stringify(stats)}\n`);
});
lines.on('close', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
