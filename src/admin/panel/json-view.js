// JSON shown as indented, coloured text (keys, strings, numbers, literals), built from text nodes only.

import { h } from './dom.js';

const CLASS = { string: 'j-str', number: 'j-num', boolean: 'j-lit' };

function write(out, value, depth) {
  const indent = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return out.push('[]');
    out.push('[\n');
    value.forEach((item, i) => {
      out.push(indent);
      write(out, item, depth + 1);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    return out.push(`${close}]`);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return out.push('{}');
    out.push('{\n');
    entries.forEach(([key, item], i) => {
      out.push(indent, h('span', { class: 'j-key' }, JSON.stringify(key)), ': ');
      write(out, item, depth + 1);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    return out.push(`${close}}`);
  }
  out.push(h('span', { class: CLASS[typeof value] ?? 'j-lit' }, JSON.stringify(value) ?? 'null'));
}

/** A <pre> holding `value` pretty-printed. */
export function jsonView(value) {
  const parts = [];
  write(parts, value, 0);
  return h('pre', { class: 'json' }, h('code', {}, parts));
}
