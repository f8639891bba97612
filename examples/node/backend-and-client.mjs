#!/usr/bin/env node
// Both packages together on Node: the backend helper connects a user and
// publishes; the client listens with that conn_id (ws's WebSocket, as Node 20
// has none). Build them first: npm run build:packages. Then, with a server running:
//   CHANNELSTREAM_SECRET=secret node examples/node/backend-and-client.mjs http://127.0.0.1:8000
import { WebSocket } from 'ws';
import { ChannelstreamClient } from '../../packages/client/dist/index.js';
import { ChannelstreamBackend } from '../../packages/server-sdk/dist/index.js';

const url = process.argv[2] ?? 'http://127.0.0.1:8000';
const backend = new ChannelstreamBackend({ url, secret: process.env.CHANNELSTREAM_SECRET ?? 'secret' });

const { conn_id } = await backend.connect({ username: 'node-example', channels: ['lobby'] });
const client = new ChannelstreamClient({ url, connId: conn_id, WebSocket });
client.on('state', ({ state, transport }) => console.log(`client ${state}${transport ? ` via ${transport}` : ''}`));
client.on('message', async (m) => {
  console.log(`message in ${m.channel} from ${m.user}:`, m.message);
  await client.disconnect();
});
client.on('state', async ({ state }) => {
  if (state === 'open') await backend.publish([{ user: 'system', channel: 'lobby', message: { text: 'hello from the backend' } }]);
});
client.connect();
