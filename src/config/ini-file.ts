import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/**
 * Reads one section of an ini file the way Python's configparser (which the
 * original used) does: `key = value` or `key: value`, whole-line comments
 * starting with # or ;, values kept whole (a # inside a value is not a
 * comment), and indented lines continuing the previous value (joined with a
 * comma, as the original's generated files list addresses).
 */
export function readIniSection(path: string, section: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ini file ${path}: ${(err as Error).message}`);
  }
  const found = parseIni(content)[section];
  if (!found) throw new ConfigError(`ini file ${path} has no [${section}] section`);
  return found;
}

export function parseIni(content: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of content.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      current = sections[header[1].trim()] ??= {};
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(line) && current && lastKey !== undefined) {
      current[lastKey] = current[lastKey] ? `${current[lastKey]},${trimmed}` : trimmed;
      continue;
    }
    const at = line.search(/[=:]/);
    if (!current || at <= 0) continue;
    lastKey = line.slice(0, at).trim().toLowerCase();
    current[lastKey] = line.slice(at + 1).trim();
  }
  return sections;
}
