export { type Example, type ExampleOptions, startExample } from './example.js';
export { type LoadOptions, type LoadReport, runLoad } from './load.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.js';
