/** The instrumentation scope name under which kmskit creates its meter and tracer. */
export const INSTRUMENTATION_SCOPE = '@kmskit/metrics-otel';

/** This package's version, reported as the instrumentation scope version. */
export const PACKAGE_VERSION = '0.1.0';
