import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  // __dirname does not exist when jest runs the sources as ES modules
  const here = typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'src');
  for (const path of [join(here, '..', 'package.json'), join(here, '..', '..', 'package.json')]) {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      // try the next location (src/ under jest, dist/ when built)
    }
  }
  return 'unknown';
}

/** This server's version, from package.json. */
export const VERSION = readVersion();
