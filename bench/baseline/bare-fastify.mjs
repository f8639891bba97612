// A bare Fastify route doing no work: the ceiling for an HTTP POST on this machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/readyz', async () => 'ok');
app.post('/message', async () => []);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
