import { Injectable, Logger } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * Where the built client package (packages/client, ES modules) is found:
 * `npm run build` copies it next to the compiled demo (dist/demo/client),
 * which Docker images carry; from a checkout (tests, `nest start`) the
 * package's own build is used.
 */
export function clientBundleDirs(): string[] {
  // __dirname exists in the CommonJS build only (tests run as ES modules)
  const besideBuild = typeof __dirname === 'string' ? [join(__dirname, 'client')] : [];
  return [...besideBuild, resolve('packages/client/dist')];
}

/** The client's .js files, read once at start-up and served from memory under /demo/client/. */
@Injectable()
export class ClientBundle {
  private readonly logger = new Logger(ClientBundle.name);
  private readonly files = new Map<string, string>();

  constructor() {
    const dir = clientBundleDirs().find((d) => existsSync(join(d, 'index.js')));
    if (!dir) {
      this.logger.warn('demo: the client package is not built, so /demo cannot load it; run npm run build');
      return;
    }
    for (const path of listFiles(dir)) {
      if (path.endsWith('.js')) this.files.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  }

  /** A file by its path under the bundle (e.g. "transports/sse-transport.js"); nothing outside it. */
  file(path: string): string | undefined {
    return this.files.get(path);
  }

  get size(): number {
    return this.files.size;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
