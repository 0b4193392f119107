import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The benchmark backend, run in its own process: keep-alive node:http on 127.0.0.1.
//   /fast          a ~50-byte JSON body at once
//   /delay?ms=N    the same after N ms
// It prints its port on stdout, then serves until its parent disconnects or kills it.
const BODY = Buffer.from('{"id":1,"name":"fanout","ok":true,"items":[1,2,3]}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (url.startsWith('/delay')) {
    const ms = Number(new URL(url, 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => {
      response.writeHead(200, HEADERS);
      response.end(BODY);
    }, ms);
    return;
  }
  response.writeHead(200, HEADERS);
  response.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
