/** `kmskit status`: the configured KMS, its endpoints and version, and the client's metrics. */

import { toMinioMetricsJSON, type VersionInfo } from '@kmskit/core';
import { expectPositionals } from '../arguments.js';
import { describeError, ReportedFailure } from '../cli-errors.js';
import type { Command } from '../command.js';
import { metricsDocument, metricsLines } from '../metrics-format.js';

/** The `status` command. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'show the KMS, its endpoints and version',
  usage: ['status [--json]'],
  description: [
    'Shows which KMS the environment configures, its default key, the state of each endpoint, the server version and the metrics of the calls this command made. It exits with status 1 when no endpoint is online.',
  ],
  options: {},
  optionHelp: [],
  examples: ['kmskit status', 'kmskit status --json'],
  async run({ out, positionals, kms }) {
    expectPositionals('status', positionals, [], 0);
    const { kms: client, source } = await kms();
    const status = await client.status();
    let version: VersionInfo | undefined;
    let versionError: string | undefined;
    try {
      version = await client.version();
    } catch (error) {
      versionError = describeError(error);
    }
    const metrics = client.metrics();
    const online = status.endpoints.some((endpoint) => endpoint.state === 'online');

    if (out.json) {
      out.document({
        type: status.type,
        source,
        defaultKeyId: status.defaultKeyId,
        version: version ?? null,
        versionError,
        endpoints: status.endpoints,
        metrics: metricsDocument(metrics),
      });
    } else {
      out.line(`kms:         ${status.type} (${source})`);
      out.line(`default key: ${status.defaultKeyId || '(none)'}`);
      out.line(`version:     ${version ? version.version : `unavailable: ${versionError}`}`);
      for (const endpoint of status.endpoints) {
        let line = `endpoint:    ${endpoint.endpoint} ${endpoint.state}`;
        if (endpoint.latencyMs !== undefined) line += ` (${endpoint.latencyMs.toFixed(1)} ms)`;
        if (endpoint.error) line += `: ${endpoint.error}`;
        out.line(line);
      }
      for (const line of metricsLines(metrics)) out.line(`metrics:     ${line}`);
      out.line(`minio:       ${toMinioMetricsJSON(metrics.total)}`);
    }
    if (!online) throw new ReportedFailure('status: no KMS endpoint is online');
  },
};
