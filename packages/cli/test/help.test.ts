import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../src/command-table.js';
import { isolatedEnv, run } from './helpers.js';

const COMMANDS = [
  ['demo'],
  ['key', 'create'],
  ['key', 'list'],
  ['key', 'delete'],
  ['dek', 'generate'],
  ['dek', 'decrypt'],
  ['encrypt'],
  ['decrypt'],
  ['status'],
  ['dev-server'],
  ['version'],
];

describe('help', () => {
  it('lists every command', async () => {
    const env = await isolatedEnv();
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const result = await run(argv, env);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.join(' ')}`);
      expect(result.stdout).toContain('KMSKIT_CONFIG_DIR');
      expect(result.stdout).toContain('~/.config/kmskit/builtin.key');
    }
  });

  it.each(COMMANDS)('%s %s --help', async (...argv) => {
    const env = await isolatedEnv();
    const words = argv.filter((word) => word !== undefined);
    const flag = await run([...words, '--help'], env);
    const short = await run([...words, '-h', '--json'], env);
    const command = await run(['help', ...words], env);

    expect(flag.status).toBe(0);
    expect(flag.stderr).toBe('');
    expect(flag.stdout).toMatch(new RegExp(`^kmskit ${words.join(' ')}: `));
    expect(flag.stdout).toContain(`Usage: kmskit ${words.join(' ')}`);
    expect(flag.stdout).toContain('--json');
    expect(short.stdout).toBe(flag.stdout);
    expect(command.stdout).toBe(flag.stdout);
  });

  it('group help lists subcommands', async () => {
    const env = await isolatedEnv();
    const key = await run(['key', '--help'], env);
    const dek = await run(['help', 'dek'], env);

    expect(key.status).toBe(0);
    expect(key.stdout).toContain('  key create <name>');
    expect(key.stdout).toContain('  key delete <name>');
    expect(dek.stdout).toContain('  dek decrypt <key> <ciphertext-base64>');
  });

  it('help creates no key file', async () => {
    const env = await isolatedEnv();
    await run(['dek', 'generate', '--help'], env);
    const { existsSync } = await import('node:fs');
    expect(existsSync(env.KMSKIT_CONFIG_DIR!)).toBe(false);
  });

  it('dek generate help warns about plaintext', async () => {
    const env = await isolatedEnv();
    const result = await run(['dek', 'generate', '--help'], env);
    expect(result.stdout).toContain('only command that prints a plaintext data key');
  });
});

describe('README', () => {
  it('lists every command', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## Commands');
    const table = readme.slice(start, readme.indexOf('\n### ', start));

    const names = allCommands().map((command) => command.name);
    expect(names).toHaveLength(11);
    for (const name of names) {
      expect(table, name).toMatch(new RegExp(`^\\| \`kmskit ${name}[ \`]`, 'm'));
    }
  });
});
