import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The only file served without a session: the sign-in page needs its stylesheet. */
const PUBLIC_FILES = new Set(['admin.css']);

export interface PanelAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  public: boolean;
}

/** src/admin/panel under jest (no __dirname in ES modules), dist/admin/panel when built (nest-cli.json copies it). */
export function panelDirectory(): string {
  return typeof __dirname === 'string' ? join(__dirname, 'panel') : join(process.cwd(), 'src', 'admin', 'panel');
}

/**
 * The panel's static files, read once at start-up and served from memory by
 * exact name (no paths, so nothing outside the folder can be asked for).
 */
@Injectable()
export class PanelAssets {
  private readonly files = new Map<string, PanelAsset>();

  constructor() {
    const dir = panelDirectory();
    if (!existsSync(join(dir, 'panel.js'))) {
      throw new Error(`admin panel files are missing from ${dir}: the build must copy src/admin/panel (nest-cli.json "assets")`);
    }
    for (const name of readdirSync(dir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType) continue;
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      this.files.set(name, { body, contentType, etag, public: PUBLIC_FILES.has(name) });
    }
  }

  get(name: string): PanelAsset | undefined {
    return this.files.get(name);
  }

  names(): string[] {
    return [...this.files.keys()];
  }
}
