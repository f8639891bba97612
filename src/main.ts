#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { TimestampSigner } from './auth/timestamp-signer';
import { ConfigError, Settings } from './config/settings';
import { runMakeConfig } from './config/make-config';
import { VERSION } from './version';

const USAGE = `usage: channelstream [-i FILE.ini]        start the server
       channelstream make-config [-o FILE]  print (or write) an ini file with every setting
       channelstream sign [VALUE]           print a signature token for x-channelstream-secret (valid 60 s)
       channelstream --version`;

function optionValue(args: string[], ...names: string[]): string | undefined {
  const at = args.findIndex((a) => names.includes(a));
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.includes('-v') || args.includes('--version')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const iniPath = optionValue(args, '-i', '--ini') ?? process.env.CHANNELSTREAM_INI;
  const settings = Settings.load({ env: process.env, iniPath, envFilePath: '.env' });
  if (args[0] === 'make-config' || args[0] === 'make_config') {
    return runMakeConfig(args.slice(1), settings, (text) => process.stdout.write(text));
  }
  if (args[0] === 'sign') {
    const token = new TimestampSigner(settings.secret).sign(args[1] ?? 'channelstream', Math.floor(Date.now() / 1000));
    process.stdout.write(`${token}\n`);
    return 0;
  }
  const app = await createApp(settings);
  await app.listen(settings.port, settings.host);
  const logger = new Logger('Channelstream');
  logger.log(`Channelstream ${VERSION} (${settings.engine} engine) listening on http://${settings.host}:${settings.port}`);
  logger.log(`admin panel: /admin; API explorer: /api-explorer; backend calls allowed from ${settings.allow_posting_from.join(', ')}`);
  if (settings.secret === 'secret' || settings.admin_secret === 'admin_secret') {
    logger.warn('using a default secret: set CHANNELSTREAM_SECRET and CHANNELSTREAM_ADMIN_SECRET before production');
  }
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
