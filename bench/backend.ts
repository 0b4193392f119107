import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The benchmark backend, run in its own process: keep-alive node:http on 127.0.0.1.
//   /fast          a ~50-byte JSON body at once
//   /delay?ms=N    the same after N ms
//   /tail?ms=N     the same after N ms, but every 50th request to it (2 %) after 20 × N ms (W5)
//   /storm         503 Service Unavailable, always (W5's 503 storm)
//   /knee?k=K&ms=N a service with K workers: the same after N ms while at most K /knee requests
//                  are in flight (counting this one), N × in-flight ÷ K ms beyond (adaptive)
//   /hits          JSON counts of the requests /tail and /storm received so far (W5's load)
// It prints its port on stdout, then serves until its parent disconnects or kills it.
const BODY = Buffer.from('{"id":1,"name":"fanout","ok":true,"items":[1,2,3]}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

const TAIL_EVERY = 50;
const TAIL_FACTOR = 20;
// Requests received per W5 route; the clients read them through /hits.
const hits = { tail: 0, storm: 0 };
// /knee requests received and not yet answered.
let kneeInFlight = 0;

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (url.startsWith('/tail')) {
    hits.tail++;
    const ms = Number(new URL(url, 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(
      () => {
        response.writeHead(200, HEADERS);
        response.end(BODY);
      },
      hits.tail % TAIL_EVERY === 0 ? ms * TAIL_FACTOR : ms,
    );
    return;
  }
  if (url.startsWith('/knee')) {
    const query = new URL(url, 'http://x').searchParams;
    const workers = Number(query.get('k') ?? 1);
    const ms = Number(query.get('ms') ?? 0);
    kneeInFlight++;
    setTimeout(
      () => {
        kneeInFlight--;
        response.writeHead(200, HEADERS);
        response.end(BODY);
      },
      ms * Math.max(1, kneeInFlight / workers),
    );
    return;
  }
  if (url === '/storm') {
    hits.storm++;
    response.writeHead(503, { 'content-length': '0' });
    response.end();
    return;
  }
  if (url === '/hits') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(hits));
    return;
  }
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
