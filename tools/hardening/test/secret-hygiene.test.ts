import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { defineConformanceSuite, runConformanceSuite } from '@kmskit/conformance';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKesConnector, parseKesApiKey } from '@kmskit/conn-kes';
import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { type Connector, createKMS, type KMS } from '@kmskit/core';
import { instrumentKms, type KmsInstrumentation } from '@kmskit/metrics-otel';
import { createSseAdapter, S3Error, SSE_HEADERS } from '@kmskit/s3-sse-adapter';
import {
  type KesTestServer,
  type MinkmsTestServer,
  startKesServer,
  startMinkmsServer,
} from '@kmskit/testing';
import { type MeterProvider as ApiMeterProvider, DiagLogLevel, diag } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretCollector } from './secret-collector.js';

const DEFAULT_KEY = 'hygiene-default';
/** Cases a connector skips on purpose, as in its own conformance test. */
const SKIPS: Record<string, Record<string, string>> = {
  builtin: {
    'kms.mac.unknown-key': 'MinIO’s builtin KMS computes the MAC with its one key for any name',
  },
};

describe('secret hygiene', () => {
  const collector = new SecretCollector();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  let instrumentation: KmsInstrumentation;
  let kes: KesTestServer;
  let minkms: MinkmsTestServer;
  const builtinKey = randomBytes(32);
  const minkmsSeed = randomBytes(32);
  const minkmsApiKey = `k1:${minkmsSeed.toString('base64url')}`;

  beforeAll(async () => {
    collector.subscribe();
    // No kmskit package takes a logger; @kmskit/metrics-otel reports through OpenTelemetry's diag.
    const log = (...args: unknown[]) => collector.text(inspect(args, { depth: 6 }));
    diag.setLogger(
      { error: log, warn: log, info: log, debug: log, verbose: log },
      DiagLogLevel.ALL,
    );
    instrumentation = instrumentKms({
      meterProvider: meterProvider as unknown as ApiMeterProvider,
      tracerProvider,
      tracing: true,
    });
    kes = await startKesServer({ keys: { [DEFAULT_KEY]: randomBytes(32) } });
    minkms = await startMinkmsServer({ keys: [DEFAULT_KEY], apiKey: minkmsApiKey });
    collector.secret('builtin master key', builtinKey);
    collector.secret('KES API key', kes.apiKey);
    collector.secret('KES API key seed', parseKesApiKey(kes.apiKey).exportSeed());
    collector.secret('KES client private key', pemBody(kes.admin.key));
    collector.secret('MinKMS API key', minkmsApiKey);
    collector.secret('MinKMS API key seed', minkmsSeed);
  });
  afterAll(async () => {
    instrumentation.close();
    collector.stop();
    diag.disable();
    await kes.close();
    await minkms.close();
  });

  /** A `KMS` whose connector and calls are all collected. */
  const watched = (connector: Connector): KMS => {
    collector.object(connector);
    return collector.watch(createKMS({ connector, timeoutMs: 10_000 }));
  };
  const connectors = {
    builtin: () => createBuiltinConnector({ keyName: DEFAULT_KEY, key: builtinKey }),
    kes: () =>
      createKesConnector({
        endpoints: kes.endpoints,
        ca: kes.ca,
        apiKey: kes.apiKey,
        defaultKeyId: DEFAULT_KEY,
      }),
    'kes (certificate)': () =>
      createKesConnector({
        endpoints: kes.endpoints,
        ca: kes.ca,
        cert: kes.admin.cert,
        key: kes.admin.key,
        defaultKeyId: DEFAULT_KEY,
      }),
    minkms: () =>
      createMinkmsConnector({
        endpoints: minkms.endpoints,
        enclave: minkms.enclave,
        apiKey: minkmsApiKey,
        ca: minkms.ca,
        defaultKeyId: DEFAULT_KEY,
      }),
  };

  for (const [name, create] of Object.entries(connectors)) {
    it(`runs conformance: ${name}`, async () => {
      const suite = defineConformanceSuite({
        name,
        createKms: () => watched(create()),
        timeoutMs: 20_000,
        skip: SKIPS[name] ?? {},
      });
      const report = await runConformanceSuite(suite);
      for (const result of report.results)
        if (result.status === 'failed') collector.error(result.error);
      const failed = report.results
        .filter((result) => result.status === 'failed')
        .map((result) => `${result.id}: ${String((result as { error: unknown }).error)}`);
      expect(failed).toEqual([]);
      expect(report.passed).toBeGreaterThan(10);
    }, 60_000);
  }

  it('collects failing calls too', async () => {
    for (const create of Object.values(connectors)) {
      const kms = watched(create());
      const calls = [
        () => kms.generateKey({ name: 'no-such-key' }),
        () => kms.decrypt({ name: DEFAULT_KEY, ciphertext: randomBytes(76) }),
        () =>
          kms.decrypt({
            name: DEFAULT_KEY,
            ciphertext: randomBytes(76),
            context: { '\ud800': 'x' },
          }),
        () => kms.createKey({ name: 'bad/name' }),
        () => kms.mac({ name: DEFAULT_KEY, message: 'text' as unknown as Uint8Array }),
      ];
      for (const call of calls) await expect(call()).rejects.toBeDefined();
      await kms.close();
    }
    // A server certificate the client does not trust gives a TLS error with a cause chain.
    const untrusted = watched(
      createKesConnector({
        endpoints: kes.endpoints,
        ca: minkms.ca,
        apiKey: kes.apiKey,
        requestTimeoutMs: 2_000,
      }),
    );
    await expect(untrusted.version()).rejects.toMatchObject({ code: 'kms:TLSError' });
    await untrusted.close();
  });

  for (const name of ['builtin', 'minkms'] as const) {
    it(`round-trips SSE: ${name}`, async () => {
      const kms = watched(connectors[name]());
      const sse = createSseAdapter({ kms });
      collector.object(sse);
      const customerKey = randomBytes(32);
      collector.secret('SSE-C key', customerKey);
      const sseC = {
        [SSE_HEADERS.customerAlgorithm]: 'AES256',
        [SSE_HEADERS.customerKey]: customerKey.toString('base64'),
        [SSE_HEADERS.customerKeyMd5]: createHash('md5').update(customerKey).digest('base64'),
      };
      const requests: Array<Record<string, string>> = [
        { [SSE_HEADERS.sse]: 'AES256' },
        {
          [SSE_HEADERS.sse]: 'aws:kms',
          [SSE_HEADERS.kmsKeyId]: DEFAULT_KEY,
          [SSE_HEADERS.kmsContext]: Buffer.from('{"team":"a"}').toString('base64'),
        },
        sseC,
      ];
      const plaintext = randomBytes(70_000);
      for (const headers of requests) {
        const object = `dir/object-${Object.keys(headers).length}`;
        const upload = await sse.prepareUpload({ bucket: 'bucket', object, headers });
        const stored = upload.encrypt(plaintext);
        const etags = upload.finish(createHash('md5').update(plaintext).digest());
        collector.object(upload);
        collector.object(etags);
        collector.object(upload.responseHeaders);
        const readHeaders = headers === sseC ? sseC : {};
        const reader = await sse.openObject({
          bucket: 'bucket',
          object,
          metadata: upload.metadata,
          headers: readHeaders,
          method: 'GET',
          size: stored.length,
          etag: etags.etag,
        });
        collector.object(reader);
        collector.object(reader.responseHeaders);
        expect(Buffer.from(reader.decrypt(stored)).equals(plaintext)).toBe(true);
        upload.dispose();
        reader.dispose();
        if (headers === sseC) {
          const wrong = randomBytes(32);
          collector.secret('wrong SSE-C key', wrong);
          const error = await sse
            .openObject({
              bucket: 'bucket',
              object,
              metadata: upload.metadata,
              method: 'GET',
              size: stored.length,
              headers: {
                ...sseC,
                [SSE_HEADERS.customerKey]: wrong.toString('base64'),
                [SSE_HEADERS.customerKeyMd5]: createHash('md5').update(wrong).digest('base64'),
              },
            })
            .catch((caught: unknown) => caught);
          expect(S3Error.isInstance(error)).toBe(true);
          collector.error(error);
          // The MD5 check fails before any key is used; its error must not echo the key either.
          collector.error(
            await sse
              .prepareUpload({
                bucket: 'bucket',
                object,
                headers: { ...sseC, [SSE_HEADERS.customerKeyMd5]: 'AAAA' },
              })
              .catch((caught: unknown) => caught),
          );
        }
      }
      collector.error(
        await sse
          .prepareUpload({
            bucket: 'bucket',
            object: 'x',
            headers: { [SSE_HEADERS.sse]: 'aws:kms', [SSE_HEADERS.kmsKeyId]: 'missing-key' },
          })
          .catch((caught: unknown) => caught),
      );
      await kms.close();
    }, 30_000);
  }

  it('detects planted secrets', () => {
    const probe = new SecretCollector();
    const planted = randomBytes(32);
    probe.secret('planted', planted);
    probe.text('nothing here');
    expect(probe.leaks()).toEqual([]);
    probe.object({ bytes: new Uint8Array(planted) });
    probe.text(`hex ${planted.toString('hex')} and ${planted.toString('base64url')}`);
    probe.error(new Error('outer', { cause: new Error(`inner ${planted.toString('base64')}`) }));
    expect(
      probe
        .leaks()
        .map((leak) => leak.form)
        .sort(),
    ).toEqual(['base64', 'base64url', 'decimal', 'hex']);
  });

  it('zeroes data keys', async () => {
    const kms = watched(connectors.builtin());
    const key = await kms.generateKey({ name: DEFAULT_KEY });
    const bytes = key.plaintext!;
    expect(bytes.some((byte) => byte !== 0)).toBe(true);
    key.zero();
    expect(bytes.every((byte) => byte === 0)).toBe(true);
    expect(key.plaintext).toBeUndefined();
    expect(inspect(key)).not.toContain('plaintext');
    const again = await kms.decrypt({ name: DEFAULT_KEY, ciphertext: key.ciphertext });
    expect(again.length).toBe(32);
    expect(again.some((byte) => byte !== 0)).toBe(true);
  });

  it('finds no secret anywhere', async () => {
    await metricReader.forceFlush();
    for (const resourceMetrics of metricExporter.getMetrics()) {
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints) collector.text(JSON.stringify(point.attributes));
        }
      }
    }
    const spans = spanExporter.getFinishedSpans();
    for (const span of spans) {
      collector.text(span.name);
      collector.text(JSON.stringify(span.attributes));
      collector.text(JSON.stringify(span.status));
      for (const event of span.events)
        collector.text(`${event.name} ${JSON.stringify(event.attributes)}`);
    }
    expect(spans.length).toBeGreaterThan(50);
    expect(collector.secretCount).toBeGreaterThan(50);
    expect(collector.size).toBeGreaterThan(1_000);
    expect(collector.leaks()).toEqual([]);
  });
});

function pemBody(pem: string): Uint8Array {
  return new Uint8Array(
    Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
}
