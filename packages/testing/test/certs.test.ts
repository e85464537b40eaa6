import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../src/certs.js';

describe('createTestPki', () => {
  const servers: https.Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('issues certificates the CA verifies', async () => {
    const pki = await createTestPki();
    const server = await pki.issueServer();
    const ca = new X509Certificate(pki.ca.cert);
    const leaf = new X509Certificate(server.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('completes mutual TLS on 127.0.0.1', async () => {
    const pki = await createTestPki();
    const serverCert = await pki.issueServer();
    const clientCert = await pki.issueClient('client-a');
    const server = https.createServer(
      {
        cert: serverCert.cert,
        key: serverCert.key,
        ca: pki.ca.cert,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => {
        const peer = (request.socket as import('node:tls').TLSSocket).getPeerCertificate();
        response.end(peer.subject.CN);
      },
    );
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(
          { host: '127.0.0.1', port, ca: pki.ca.cert, cert: clientCert.cert, key: clientCert.key },
          (response) => {
            let text = '';
            response.on('data', (chunk) => {
              text += chunk;
            });
            response.on('end', () => resolve(text));
          },
        )
        .on('error', reject);
    });
    expect(body).toBe('client-a');
  });
});
