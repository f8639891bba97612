// Under `npm run test:redis` the suites need a Redis server: say so loudly instead of skipping.
const { Redis } = require('ioredis');

module.exports = async function globalSetup() {
  if (process.env.TEST_ENGINE !== 'redis') return;
  const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported below
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `npm run test:redis needs Redis at ${url} (set TEST_REDIS_URL), but it is not reachable: ${err.message}\n` +
        'Start one with: redis-server --daemonize yes --port 6379 --save ""',
    );
  } finally {
    redis.disconnect();
  }
};
