#!/usr/bin/env node
// Measures throughput against concurrency (1, 8, 64, 512, 4096 operations in flight) for the KES
// connector (its default cap of 128 and no cap) and the MinKMS connector (its default cap of 128)
// against their test servers on 127.0.0.1. Writes docs/benchmarks/throughput.svg, a hand-written
// SVG line chart, and docs/benchmarks/throughput.md with the numbers. Each point runs --seconds
// (default 5).
//
//   node scripts/throughput-chart.mjs [--seconds 5] [--levels 1,8,64,512,4096] [--from-json FILE]

import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, machine, runLoad, startServerProcess } from './load-lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const docs = join(here, '..', '..', '..', 'docs', 'benchmarks');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    levels: { type: 'string', default: '1,8,64,512,4096' },
    'from-json': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const levels = values.levels.split(',').map(Number);

const SERIES = [
  { name: 'KES (default, maxConnections 128)', kind: 'kes', options: {}, color: '#1f77b4' },
  {
    name: 'KES (maxConnections 0, no cap)',
    kind: 'kes',
    options: { maxConnections: 0 },
    color: '#2ca02c',
  },
  { name: 'MinKMS (default, maxConnections 128)', kind: 'minkms', options: {}, color: '#d62728' },
];

let data;
if (values['from-json']) {
  data = JSON.parse(readFileSync(values['from-json'], 'utf8'));
} else {
  data = {
    machine: { ...(await machine()), loadAverage: loadavg()[1].toFixed(1) },
    seconds,
    levels,
    series: [],
  };
  for (const series of SERIES) {
    const server = await startServerProcess(series.kind);
    const points = [];
    for (const concurrency of levels) {
      const kms = createClient(server.info, series.options);
      const load = await runLoad(kms, { key: server.info.key, concurrency, seconds });
      await kms.close();
      points.push({
        concurrency,
        throughput: Math.round(load.throughput),
        p50: round(load.p50),
        p99: round(load.p99),
        errors: load.errorCount,
      });
      console.log(
        `${series.name}, ${concurrency} in flight: ${Math.round(load.throughput)} op/s, p50 ${round(load.p50)} ms, p99 ${round(load.p99)} ms, ${load.errorCount} errors`,
      );
    }
    await server.close();
    data.series.push({ name: series.name, color: series.color, points });
  }
  writeFileSync(join(docs, 'throughput.json'), `${JSON.stringify(data, null, 2)}\n`);
}

writeFileSync(join(docs, 'throughput.svg'), chart(data));
writeFileSync(join(docs, 'throughput.md'), markdown(data));
console.log(`wrote ${join(docs, 'throughput.svg')} and throughput.md`);

function round(value) {
  return Math.round(value * 10) / 10;
}

/** Draws a line chart with concurrency on a log axis and operations per second on a linear axis. */
function chart({ series, levels: xs, machine: facts, seconds: perPoint }) {
  const width = 800;
  const height = 420;
  const left = 70;
  const right = 280;
  const top = 40;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxY = niceCeiling(
    Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.throughput))),
  );
  const x = (i) => left + (xs.length === 1 ? plotW / 2 : (i * plotW) / (xs.length - 1));
  const y = (value) => top + plotH - (value / maxY) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    '<title>Throughput of the KES and MinKMS connectors against concurrency</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left + plotW / 2}" y="22" text-anchor="middle" font-size="15">KMS connector throughput against concurrency</text>`,
  ];
  for (let step = 0; step <= 5; step++) {
    const value = (maxY * step) / 5;
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(value)}" y2="${y(value)}" stroke="#e0e0e0"/>`,
    );
    parts.push(
      `<text x="${left - 8}" y="${y(value) + 4}" text-anchor="end">${Math.round(value)}</text>`,
    );
  }
  xs.forEach((level, i) => {
    parts.push(
      `<line x1="${x(i)}" x2="${x(i)}" y1="${top + plotH}" y2="${top + plotH + 5}" stroke="#333"/>`,
    );
    parts.push(`<text x="${x(i)}" y="${top + plotH + 20}" text-anchor="middle">${level}</text>`);
  });
  parts.push(
    `<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`,
  );
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 22}" text-anchor="middle">operations in flight (log scale)</text>`,
  );
  parts.push(
    `<text x="18" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${top + plotH / 2})">operations per second</text>`,
  );
  series.forEach((s, index) => {
    const points = s.points.map(
      (p) => `${x(xs.indexOf(p.concurrency)).toFixed(1)},${y(p.throughput).toFixed(1)}`,
    );
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`,
    );
    for (const p of s.points) {
      parts.push(
        `<circle cx="${x(xs.indexOf(p.concurrency)).toFixed(1)}" cy="${y(p.throughput).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeXml(s.name)}: ${p.concurrency} in flight, ${p.throughput} op/s, p99 ${p.p99} ms</title></circle>`,
      );
    }
    const ly = top + 10 + index * 22;
    parts.push(
      `<line x1="${left + plotW + 15}" x2="${left + plotW + 35}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${left + plotW + 40}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  parts.push(
    `<text x="${left}" y="${height - 6}" font-size="10" fill="#666">${escapeXml(`${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAverage ?? '?'}; ${perPoint} s per point; generateKey and decrypt alternating; servers on 127.0.0.1`)}</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceCeiling(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function escapeXml(text) {
  return String(text).replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c],
  );
}

function markdown({ series, levels: xs, machine: facts, seconds: perPoint }) {
  const lines = [
    '# Connector throughput against concurrency',
    '',
    '![Throughput of the KES and MinKMS connectors against concurrency](throughput.svg)',
    '',
    `Closed-loop load: N workers each alternate \`generateKey\` and \`decrypt\` through a \`KMS\` client for ${perPoint} s per point, against the KES or MinKMS test server of \`@kmskit/testing\` on 127.0.0.1, which runs in a child process (TLS 1.3, API-key client certificates). Measured with \`npm run throughput-chart -w @kmskit-internal/hardening\` (\`node tools/hardening/scripts/throughput-chart.mjs\`) on ${facts.node}, ${facts.cpus} CPUs (${facts.model}), with a 5-minute load average of ${facts.loadAverage ?? 'unknown'} from other work on the machine. Client and server share the CPUs with that work, so absolute rates follow the machine's load: a run at a load average of 8.4 measured about a tenth of these rates at one operation in flight. Compare the series within one run.`,
    '',
    `| connector | ${xs.map((level) => `${level} in flight`).join(' | ')} |`,
    `| --- | ${xs.map(() => '---:').join(' | ')} |`,
  ];
  for (const s of series) {
    lines.push(
      `| ${s.name} | ${s.points.map((p) => `${p.throughput} op/s (p99 ${p.p99} ms${p.errors ? `, ${p.errors} errors` : ''})`).join(' | ')} |`,
    );
  }
  lines.push(
    '',
    'Up to 64 operations in flight the two KES series run the same configuration, because the pool opens no more connections than operations in flight, so their gap there is the noise of this machine. Above that, the capped pools (the default of 128 connections per endpoint) queue requests on their connections and keep most of their throughput. Without a cap (`maxConnections: 0`) the connector opens one TLS connection per operation in flight, and the handshakes starve the event loop, so throughput falls and latency grows. See soak.md for 10,000 operations in flight.',
    '',
  );
  return lines.join('\n');
}
