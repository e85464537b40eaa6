import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  awsCliCommand,
  describeError,
  describeListenError,
  formatLogEntry,
  shellQuote,
} from '../src/cli-messages.js';
import { defaultDataDir, parseCliArguments, UsageError } from '../src/cli-options.js';

const ENV = { XDG_DATA_HOME: '/data/home' };

describe('parseCliArguments', () => {
  it('applies the defaults', () => {
    expect(parseCliArguments([], ENV)).toEqual({
      help: false,
      port: 9000,
      dataDir: '/data/home/kmskit-s3-server',
    });
  });

  it('reads port and folder', () => {
    expect(parseCliArguments(['--port=0', '--data-dir', 'rel/dir'], ENV)).toEqual({
      help: false,
      port: 0,
      dataDir: resolve('rel/dir'),
    });
  });

  it('accepts -h and --help', () => {
    expect(parseCliArguments(['-h'], ENV)).toEqual({ help: true });
    expect(parseCliArguments(['--port', '1', '--help'], ENV)).toEqual({ help: true });
  });

  it.each([
    [['--bogus'], 'unknown option --bogus: see --help'],
    [['-x'], 'unknown option -x: see --help'],
    [['--port'], 'option --port needs a value: see --help'],
    [['--help=yes'], 'option --help takes no value'],
    [['--', 'x'], 'unexpected argument "x": see --help'],
    [['--port', 'abc'], 'invalid --port "abc": pass an integer from 0 to 65535'],
    [['--port', '-1'], 'invalid --port "-1": pass an integer from 0 to 65535'],
    [['--port', '65536'], 'invalid --port "65536": pass an integer from 0 to 65535'],
    [['--port', '1.5'], 'invalid --port "1.5": pass an integer from 0 to 65535'],
    [['--data-dir='], 'invalid --data-dir "": pass a folder path'],
  ])('rejects %j', (argv, message) => {
    const call = () => parseCliArguments(argv, ENV);
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
  });
});

describe('defaultDataDir', () => {
  it('uses XDG_DATA_HOME', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/x/kmskit-s3-server');
  });

  it('falls back to ~/.local/share', () => {
    const expected = '/home/u/.local/share/kmskit-s3-server';
    expect(defaultDataDir({}, '/home/u')).toBe(expected);
    expect(defaultDataDir({ XDG_DATA_HOME: '' }, '/home/u')).toBe(expected);
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, '/home/u')).toBe(expected);
  });
});

describe('CLI messages', () => {
  it('formats a warn entry', () => {
    const line = formatLogEntry(
      {
        level: 'warn',
        message: 'GET /b/k 404 NoSuchKey',
        requestId: 'ABC',
        error: new Error('not printed for warn'),
      },
      new Date(0),
    );
    expect(line).toBe('1970-01-01T00:00:00.000Z warn GET /b/k 404 NoSuchKey request-id=ABC');
  });

  it('formats a fault on one line', () => {
    const error = new TypeError('bad\nthing', { cause: new Error('root') });
    const line = formatLogEntry(
      { level: 'error', message: 'PUT /b/k 500 InternalError', error },
      new Date(0),
    );
    expect(line).toBe(
      '1970-01-01T00:00:00.000Z error PUT /b/k 500 InternalError: TypeError: bad thing (cause: Error: root)',
    );
    expect(describeError('plain')).toBe('plain');
  });

  it('describes listen errors', () => {
    const busy = Object.assign(new Error('listen EADDRINUSE'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
    });
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES', syscall: 'listen' });
    expect(describeListenError(busy, 9000)).toBe(
      'port 9000 is in use: pass another --port, or --port 0 for a free one',
    );
    expect(describeListenError(denied, 80)).toBe(
      'no permission to listen on port 80: pass a port above 1023',
    );
    expect(describeListenError(new Error('odd'), 1)).toBe(
      'failed to start the server on port 1: Error: odd',
    );
  });

  it('quotes shell words', () => {
    expect(shellQuote('/tmp/a-b_c.pem')).toBe('/tmp/a-b_c.pem');
    expect(shellQuote('/tmp/my dir')).toBe("'/tmp/my dir'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('builds a runnable AWS CLI command', async () => {
    const folder = await mkdtemp(join(tmpdir(), "kmskit s3 cli's "));
    try {
      const credentialsFile = join(folder, 'credentials.json');
      await writeFile(credentialsFile, '{"accessKeyId":"AKID","secretAccessKey":"file-secret"}');
      const command = awsCliCommand({
        endpoint: 'https://127.0.0.1:9000',
        region: 'us-east-1',
        caFile: join(folder, 'ca.pem'),
        credentials: { kind: 'file', path: credentialsFile, accessKeyId: 'AKID' },
      });
      expect(command).toMatch(
        / aws --endpoint-url https:\/\/127\.0\.0\.1:9000 s3api create-bucket/,
      );
      expect(command).not.toContain('file-secret');

      // The shell runs the variable assignments, with `env` in place of `aws`.
      const output = execFileSync('sh', ['-c', command.replace(/ aws .*$/, ' env')], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      expect(output).toContain('AWS_ACCESS_KEY_ID=AKID\n');
      expect(output).toContain('AWS_SECRET_ACCESS_KEY=file-secret\n');
      expect(output).toContain('AWS_DEFAULT_REGION=us-east-1\n');
      expect(output).toContain(`AWS_CA_BUNDLE=${folder}/ca.pem\n`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('uses MINIO_ROOT_* when set', () => {
    const command = awsCliCommand({
      endpoint: 'https://127.0.0.1:9000',
      region: 'us-east-1',
      caFile: '/tmp/ca.pem',
      credentials: { kind: 'environment' },
    });
    expect(command).toBe(
      'AWS_ACCESS_KEY_ID="$MINIO_ROOT_USER" AWS_SECRET_ACCESS_KEY="$MINIO_ROOT_PASSWORD" AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=/tmp/ca.pem aws --endpoint-url https://127.0.0.1:9000 s3api create-bucket --bucket demo',
    );
  });
});
