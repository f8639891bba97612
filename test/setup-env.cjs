// Runs before every test file: tests never read the developer's .env or CHANNELSTREAM_* variables.
for (const key of Object.keys(process.env)) if (key.startsWith('CHANNELSTREAM_')) delete process.env[key];
process.env.NODE_ENV = 'test';
