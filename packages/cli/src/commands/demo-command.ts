/**
 * `kmskit demo`: shows the KMS at work in a few steps and proves compatibility with MinIO by
 * decrypting data keys that MinIO wrote. It exits with status 1 when any step fails.
 */

import {
  type DataKey,
  equalBytes,
  fromBase64,
  InvalidCiphertextError,
  KeyNotFoundError,
  type KMS,
  toMinioMetricsJSON,
} from '@kmskit/core';
import { expectPositionals } from '../arguments.js';
import { ReportedFailure } from '../cli-errors.js';
import type { Output } from '../cli-io.js';
import type { Command } from '../command.js';
import { DEMO_FILE_SIZE, fileSteps, MIB } from '../demo-file-steps.js';
import { loadMinioDataKeys } from '../demo-fixtures.js';
import { DemoReport } from '../demo-report.js';
import { createBuiltinKms, createCliRegistry } from '../kms-config.js';
import { metricsDocument, metricsLines, sumMetrics } from '../metrics-format.js';

/** The bucket and object whose context the demo binds its data key to. */
export const DEMO_BUCKET = 'demo-bucket';
export const DEMO_OBJECT = 'photos/2026/cat.jpg';

/** The `demo` command. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'check the KMS and decrypt data keys MinIO wrote',
  usage: ['demo [--json]'],
  description: [
    `Builds the KMS the environment configures (the default builtin key file when no KMS variable is set), generates a data key for the object ${DEMO_BUCKET}/${DEMO_OBJECT} with MinIO's object context, decrypts it and checks the plaintext, and checks that another object's context is rejected. It then encrypts a file of ${DEMO_FILE_SIZE / MIB} MiB of random data as that object with SSE-S3, in MinIO's stored form, decrypts it and checks its SHA-256, and checks that it does not decrypt as another object. Finally it decrypts data keys that MinIO's builtin KMS wrote in its current and legacy formats, each with the secret key that wrote it.`,
    "It prints one line per step (ok or FAILED), the calls made per operation and the metrics in MinIO's admin API format, and exits with status 1 when a step failed. It never prints a plaintext data key.",
  ],
  options: {},
  optionHelp: [],
  examples: ['kmskit demo', 'kmskit demo --json'],
  async run({ out, positionals, kms }) {
    expectPositionals('demo', positionals, [], 0);
    const report = new DemoReport(out);
    // The configured client is closed by runCli; the demo closes the builtin ones it makes.
    const fixtureClients: KMS[] = [];
    try {
      let configured: Awaited<ReturnType<typeof kms>> | undefined;
      await report.step('configure the KMS', async () => {
        configured = await kms();
        return `${configured.kms.type} from ${configured.source}`;
      });
      if (configured) {
        await objectKeySteps(report, configured.kms);
        await fileSteps(report, configured.kms, DEMO_BUCKET, DEMO_OBJECT);
      }
      await minioDataKeySteps(report, fixtureClients);

      const clients = configured ? [configured.kms, ...fixtureClients] : fixtureClients;
      const metrics = sumMetrics(clients.map((client) => client.metrics()));
      printSummary(out, report, metrics, configured);
    } finally {
      await Promise.allSettled(fixtureClients.map((client) => client.close()));
    }
    if (report.failed > 0) {
      throw new ReportedFailure(`demo: ${report.failed} of ${report.results.length} steps failed`);
    }
  },
};

async function objectKeySteps(report: DemoReport, kms: KMS): Promise<void> {
  const context = { [DEMO_BUCKET]: `${DEMO_BUCKET}/${DEMO_OBJECT}` };
  let plaintext: Uint8Array | undefined;
  let ciphertext: Uint8Array | undefined;
  let keyId = kms.defaultKeyId;

  const generated = await report.step(
    `generate a data key for ${DEMO_BUCKET}/${DEMO_OBJECT}`,
    async () => {
      let created = '';
      let key: DataKey;
      try {
        key = await kms.generateKey({ context });
      } catch (error) {
        // MinIO creates its default key at start-up when the KMS does not have it; so does the demo.
        if (!KeyNotFoundError.isInstance(error) || !kms.defaultKeyId) throw error;
        await kms.createKey({ name: kms.defaultKeyId });
        created = `created the missing default key '${kms.defaultKeyId}', `;
        key = await kms.generateKey({ context });
      }
      keyId = key.keyId;
      // A copy, not `slice()`: connectors may return a Buffer, whose `slice` shares memory.
      plaintext = new Uint8Array(key.plaintext!);
      ciphertext = key.ciphertext;
      key.zero();
      return `${created}key '${key.keyId}', ${ciphertext.length}-byte ciphertext`;
    },
  );
  if (!generated || !plaintext || !ciphertext) return;

  await report.step('decrypt it with the same context', async () => {
    const decrypted = await kms.decrypt({ name: keyId, ciphertext: ciphertext!, context });
    const matches = equalBytes(decrypted, plaintext!);
    decrypted.fill(0);
    if (!matches) throw new Error('the decrypted plaintext differs from the generated one');
    return 'plaintext matches';
  });

  const otherObject = `${DEMO_BUCKET}/photos/2026/dog.jpg`;
  await report.step(`decrypt it with the context of ${otherObject}`, async () => {
    try {
      const decrypted = await kms.decrypt({
        name: keyId,
        ciphertext: ciphertext!,
        context: { [DEMO_BUCKET]: otherObject },
      });
      decrypted.fill(0);
    } catch (error) {
      if (InvalidCiphertextError.isInstance(error)) return `rejected as expected (${error.code})`;
      throw error;
    }
    throw new Error("the KMS decrypted a data key under another object's context");
  });
  plaintext.fill(0);
}

async function minioDataKeySteps(report: DemoReport, clients: KMS[]): Promise<void> {
  let dataKeys: Awaited<ReturnType<typeof loadMinioDataKeys>> = [];
  const loaded = await report.step("load the data keys MinIO's builtin KMS wrote", async () => {
    dataKeys = await loadMinioDataKeys();
    return `${dataKeys.length} data keys`;
  });
  if (!loaded) return;

  const registry = await createCliRegistry(['builtin']);
  const bySecretKey = new Map<string, KMS>();
  for (const dataKey of dataKeys) {
    await report.step(`decrypt MinIO data key ${dataKey.vector} (${dataKey.format})`, async () => {
      let kms = bySecretKey.get(dataKey.secretKey);
      if (!kms) {
        kms = await createBuiltinKms(dataKey.secretKey, registry);
        bySecretKey.set(dataKey.secretKey, kms);
        clients.push(kms);
      }
      const ciphertext = fromBase64(dataKey.ciphertext);
      const expected = fromBase64(dataKey.plaintext);
      if (!ciphertext || !expected) throw new Error('the fixture contains invalid base64');
      const decrypted = await kms.decrypt({
        name: dataKey.keyName,
        ciphertext,
        context: dataKey.context,
      });
      const matches = equalBytes(decrypted, expected);
      decrypted.fill(0);
      if (!matches) throw new Error("the plaintext differs from MinIO's");
      return `key '${dataKey.keyName}', plaintext matches MinIO's`;
    });
  }
}

function printSummary(
  out: Output,
  report: DemoReport,
  metrics: ReturnType<typeof sumMetrics>,
  configured: { kms: KMS; source: string } | undefined,
): void {
  const passed = report.results.length - report.failed;
  if (out.json) {
    out.document({
      ok: report.failed === 0,
      kms: configured
        ? {
            type: configured.kms.type,
            source: configured.source,
            defaultKeyId: configured.kms.defaultKeyId,
          }
        : null,
      steps: report.results,
      passed,
      failed: report.failed,
      metrics: metricsDocument(metrics),
    });
    return;
  }
  out.line();
  out.line(`${passed} of ${report.results.length} steps ok`);
  out.line('KMS calls per operation:');
  for (const line of metricsLines(metrics)) out.line(`  ${line}`);
  out.line(`MinIO metrics JSON: ${toMinioMetricsJSON(metrics.total)}`);
}
