import { afterEach, describe, expect, it } from 'vitest';
import { type Example, startExample } from '../src/index.js';

let example: Example | undefined;
afterEach(async () => {
  await example?.close();
  example = undefined;
});

/** Parses Prometheus text into `name{labels}` → value, skipping comments. */
function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Returns the value of the sample whose name is `name` and whose labels include all of `labels`. */
function sampleValue(samples: Map<string, number>, name: string, labels: Record<string, string>) {
  let total = 0;
  for (const [series, value] of samples) {
    if (!series.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([key, expected]) =>
      series.includes(`${key}="${expected}"`),
    );
    if (matches) total += value;
  }
  return total;
}

async function scrape(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

const success = { kmskit_kms_connector_type: 'builtin', kmskit_kms_outcome: 'success' };

describe('prometheus endpoint', () => {
  it('serves KMS series under load', async () => {
    example = await startExample({ port: 0, batchSize: 10, pauseMs: 5 });
    expect(example.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    // Scrape while the load runs, until it has made a few rounds of calls.
    const deadline = Date.now() + 10_000;
    let samples = new Map<string, number>();
    while (Date.now() < deadline) {
      samples = parseSamples((await scrape(example.url)).text);
      const missing = sampleValue(samples, 'kmskit_kms_requests_total', {
        kmskit_kms_error_code: 'kms:KeyNotFound',
      });
      if (missing >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(
      sampleValue(samples, 'kmskit_kms_requests_total', {
        kmskit_kms_error_code: 'kms:KeyNotFound',
      }),
    ).toBeGreaterThanOrEqual(3);

    // With the load stopped, the scrape shows exactly the calls the load made.
    const report = await example.stopLoad();
    const { status, type, text } = await scrape(example.url);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    samples = parseSamples(text);
    expect(text).toContain('# TYPE kmskit_kms_requests_total counter');
    expect(text).toContain('# TYPE kmskit_kms_request_duration histogram');
    expect(text).toContain('# UNIT kmskit_kms_request_duration s');
    expect(
      sampleValue(samples, 'kmskit_kms_requests_total', {
        ...success,
        kmskit_kms_operation: 'generateKey',
      }),
    ).toBe(report.generated);
    expect(
      sampleValue(samples, 'kmskit_kms_requests_total', {
        ...success,
        kmskit_kms_operation: 'decrypt',
      }),
    ).toBe(report.decrypted);
    expect(
      sampleValue(samples, 'kmskit_kms_requests_total', {
        kmskit_kms_operation: 'generateKey',
        kmskit_kms_outcome: 'error',
        kmskit_kms_error_code: 'kms:KeyNotFound',
      }),
    ).toBe(report.missingKey);

    const decryptCount = sampleValue(samples, 'kmskit_kms_request_duration_count', {
      ...success,
      kmskit_kms_operation: 'decrypt',
    });
    expect(decryptCount).toBe(report.decrypted);
    const bounds = [
      ...text.matchAll(
        /kmskit_kms_request_duration_bucket\{[^}]*kmskit_kms_operation="decrypt"[^}]*le="([^"]+)"/g,
      ),
    ].map((match) => match[1]);
    expect(bounds).toEqual([
      '0.01',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '1.5',
      '3',
      '5',
      '10',
      '+Inf',
    ]);
    expect(
      sampleValue(samples, 'kmskit_kms_request_duration_bucket', {
        ...success,
        kmskit_kms_operation: 'decrypt',
        le: '+Inf',
      }),
    ).toBe(decryptCount);

    // Key names and contexts never become labels.
    expect(text).not.toContain('missing-key');
    expect(text).not.toContain('example-bucket');
    expect(text).not.toContain('example-key');
  });

  it('answers 404 off /metrics', async () => {
    example = await startExample({ port: 0, pauseMs: 1_000 });
    const response = await fetch(example.url.replace('/metrics', '/other'));
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});
