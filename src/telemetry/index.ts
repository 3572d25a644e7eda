/**
 * `baton/telemetry`: the names of Baton's OpenTelemetry spans and metrics, and `startOtlpTelemetry` to export
 * them (it loads the optional SDK packages on demand). Spans and metrics are emitted through
 * `@opentelemetry/api` whether or not this module is imported: register any SDK and they appear.
 */
// Export: OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the SDK packages are optional dependencies).
export {
  type OtlpTelemetry,
  type OtlpTelemetryOptions,
  startOtlpTelemetry,
  TelemetrySetupError,
} from './otlp.js';
// Names: the tracer and the span attributes Baton sets, for queries and dashboards.
export { ATTR, TRACER_NAME } from './spans.js';
