import { readFileSync } from 'node:fs';
import { parse } from 'ini';
import { ConfigError } from './config-error';

/**
 * Reads one section of an ini file. Indented lines continue the previous
 * value, as Python's configparser (and so the original's generated files)
 * writes multi-line lists.
 */
export function readIniSection(path: string, section: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ini file ${path}: ${(err as Error).message}`);
  }
  const parsed = parse(joinContinuationLines(content)) as Record<string, unknown>;
  const found = parsed[section];
  if (!found || typeof found !== 'object') throw new ConfigError(`ini file ${path} has no [${section}] section`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(found)) out[key.trim().toLowerCase()] = String(value).trim();
  return out;
}

export function joinContinuationLines(content: string): string {
  const lines: string[] = [];
  for (const line of content.split(/\r?\n/)) {
    const continues = /^\s+\S/.test(line) && lines.length > 0 && /=/.test(lines[lines.length - 1]);
    if (continues && !/^\s*[#;]/.test(line)) lines[lines.length - 1] += `,${line.trim()}`;
    else lines.push(line);
  }
  return lines.join('\n');
}
