/**
 * The KES v1 API of the test server: status codes, messages and bodies as KES v0.22.3 was
 * observed to send them, and as newer servers send them where they differ.
 */

import {
  createKey,
  decryptKey,
  deleteKey,
  describeKey,
  encryptKey,
  generateKey,
  hmacKey,
  importKey,
  listKeys,
} from './kes-key-api.js';
import {
  error,
  json,
  type KesReply,
  type KesRouteRequest,
  type KesServerState,
  NEWLINE,
} from './kes-replies.js';

export type { KesReply, KesRouteRequest, KesServerState, KesServerVersion } from './kes-replies.js';

type Handler = (state: KesServerState, request: KesRouteRequest, resource: string) => KesReply;

interface Route {
  path: string;
  /** `true` when the rest of the path after `path` is a key name or pattern. */
  resource: boolean;
  kind: 'read' | 'write' | 'delete';
  maxBody: number;
  handler: Handler;
  /** Missing on KES v0.22, which returns 501. */
  latestOnly?: boolean;
  /** Readable without a policy. */
  public?: boolean;
}

const MAX_BODY = 1 << 20;
const ROUTES: Route[] = [
  { path: '/version', resource: false, kind: 'read', maxBody: 0, handler: version, public: true },
  { path: '/v1/status', resource: false, kind: 'read', maxBody: 0, handler: status },
  { path: '/v1/api', resource: false, kind: 'read', maxBody: 0, handler: apis },
  { path: '/v1/metrics', resource: false, kind: 'read', maxBody: 0, handler: metrics },
  { path: '/v1/key/create/', resource: true, kind: 'write', maxBody: 0, handler: createKey },
  { path: '/v1/key/import/', resource: true, kind: 'write', maxBody: MAX_BODY, handler: importKey },
  { path: '/v1/key/describe/', resource: true, kind: 'read', maxBody: 0, handler: describeKey },
  { path: '/v1/key/delete/', resource: true, kind: 'delete', maxBody: 0, handler: deleteKey },
  {
    path: '/v1/key/generate/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: generateKey,
  },
  {
    path: '/v1/key/encrypt/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: encryptKey,
  },
  {
    path: '/v1/key/decrypt/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: decryptKey,
  },
  {
    path: '/v1/key/hmac/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: hmacKey,
    latestOnly: true,
  },
  { path: '/v1/key/list/', resource: true, kind: 'read', maxBody: 0, handler: listKeys },
];

/** Returns the reply to one request. */
export function routeKesRequest(state: KesServerState, request: KesRouteRequest): KesReply {
  const legacy = state.version === 'v0.22';
  const route = ROUTES.find((candidate) =>
    candidate.resource ? request.path.startsWith(candidate.path) : request.path === candidate.path,
  );
  if (route === undefined || (legacy && route.latestOnly)) {
    return { status: 501, body: 'not implemented', contentType: 'text/plain; charset=utf-8' };
  }

  const allowed = allowedMethods(route, legacy);
  if (!allowed.includes(request.method)) {
    return { ...error(state, 405, 'Method Not Allowed'), headers: { Accept: allowed[0]! } };
  }
  if (request.body.length > MAX_BODY) {
    return error(state, 413, 'request body too large');
  }
  if (!route.public) {
    if (request.identity === undefined)
      return error(state, 400, 'tls: client certificate is required');
    if (!state.policies.allows(request.identity, request.path)) {
      return error(state, 403, 'not authorized: insufficient permissions');
    }
  }
  return route.handler(state, request, request.path.slice(route.path.length));
}

function allowedMethods(route: Route, legacy: boolean): string[] {
  if (route.kind === 'read') return ['GET'];
  if (route.kind === 'delete') return ['DELETE'];
  // KES v0.22 registers key operations as POST only; newer servers register PUT and accept POST.
  return legacy ? ['POST'] : ['PUT', 'POST'];
}

function version(state: KesServerState): KesReply {
  const body =
    JSON.stringify({ version: state.versionString, commit: 'kmskit-test-server' }) + NEWLINE;
  return {
    status: 200,
    body,
    contentType: state.version === 'v0.22' ? 'text/plain; charset=utf-8' : 'application/json',
  };
}

function status(state: KesServerState): KesReply {
  const uptimeMs = Date.now() - state.startedAt;
  const memory = process.memoryUsage();
  const document = {
    version: state.versionString,
    os: process.platform,
    arch: process.arch,
    // KES v0.22 reports nanoseconds, newer servers seconds.
    uptime: state.version === 'v0.22' ? uptimeMs * 1e6 : Math.floor(uptimeMs / 1000),
    num_cpu: 1,
    num_cpu_used: 1,
    mem_heap_used: memory.heapUsed,
    mem_stack_used: 0,
    keystore_latency: 1,
  };
  return json(200, document);
}

function apis(): KesReply {
  const routes = ROUTES.map((route) => ({
    method: allowedMethods(route, false)[0],
    path: route.path,
    max_body: route.maxBody,
    timeout: route.path === '/version' || route.path === '/v1/api' ? 10 : 15,
  }));
  return json(200, routes);
}

function metrics(state: KesServerState): KesReply {
  const body = `# TYPE kes_http_request_success counter\nkes_http_request_success ${state.requestCount}\n`;
  return { status: 200, body, contentType: 'text/plain; version=0.0.4' };
}
