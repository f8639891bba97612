// The limit for Node.js here: a bare `ws` + node:http broadcast server with no features.
// POST /publish: the body is sent as it is to every socket. GET /readyz: 200.
// GET /fanout-ms: how long each publish took from its body read to the last socket written (ms), since the last call.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

let fanoutMs = [];
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') return void res.end('ok');
  if (req.method === 'GET' && req.url === '/fanout-ms') {
    res.setHeader('content-type', 'application/json').end(JSON.stringify(fanoutMs));
    fanoutMs = [];
    return;
  }
  if (req.method !== 'POST') return void res.writeHead(404).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const started = performance.now();
    const body = Buffer.concat(chunks).toString();
    for (const ws of wss.clients) ws.send(body); // ws writes each frame to its socket at once
    if (fanoutMs.length < 1e6) fanoutMs.push(performance.now() - started);
    res.end('[]');
  });
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
server.listen(Number(process.env.PORT), '127.0.0.1');
