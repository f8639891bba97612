import { writeFileSync } from 'node:fs';
import { envName, SETTINGS, type SettingName } from './settings-schema';
import { Settings } from './settings';

/** The commented ini file `make-config` prints: every setting with its current value. */
export function renderIni(settings: Settings): string {
  const lines = [
    '# Channelstream server configuration. Start with: channelstream -i this-file.ini',
    '# Every setting can also come from the environment as CHANNELSTREAM_<NAME>; the environment wins.',
    '[channelstream]',
  ];
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const value = name === 'cookie_secret' ? '' : settings[name];
    const shown = Array.isArray(value) ? value.join(',') : String(value);
    lines.push('', `# ${SETTINGS[name].help} (env ${envName(name)})`, `${name} = ${shown}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `make-config [-o FILE]`: prints or writes the ini file; returns the process exit code. */
export function runMakeConfig(args: string[], settings: Settings, out: (text: string) => void): number {
  const flag = args.findIndex((a) => a === '-o' || a === '--output');
  const ini = renderIni(settings);
  if (flag < 0) {
    out(ini);
    return 0;
  }
  const path = args[flag + 1];
  if (!path) {
    out('make-config: -o needs a file name\n');
    return 2;
  }
  writeFileSync(path, ini);
  out(`Config written to ${path}\n`);
  return 0;
}
