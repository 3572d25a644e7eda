/**
 * `baton/telemetry`: the names of Baton's OpenTelemetry spans and metrics, and `startOtlpTelemetry` to export
 * them (it loads the optional SDK packages on demand). Spans and metrics are emitted through
 * `@opentelemetry/api` whether or not this module is imported: register any SDK and they appear.
 */
export {
  type OtlpTelemetry,
  type OtlpTelemetryOptions,
  startOtlpTelemetry,
  TelemetrySetupError,
} from './otlp.js';
export { ATTR, TRACER_NAME } from './spans.js';
