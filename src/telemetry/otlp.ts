/**
 * Exports Baton's spans and metrics over OTLP/HTTP (JSON). The OpenTelemetry SDK packages are optional
 * dependencies, imported only here and only when this is called, so the library itself needs nothing but
 * `@opentelemetry/api`. The app calls it when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
 */
import { metrics, trace } from '@opentelemetry/api';
import { BatonError } from '../errors.js';

export interface OtlpTelemetryOptions {
  /** The collector's base URL, e.g. `http://127.0.0.1:4318`; `/v1/traces` and `/v1/metrics` are appended. */
  endpoint: string;
  /** `service.name` of the resource (default `baton`). */
  serviceName?: string;
  /** Extra headers for the collector (e.g. an API key), never logged. */
  headers?: Readonly<Record<string, string>>;
  /** How often metrics are pushed (default 60 000 ms). */
  metricIntervalMs?: number;
}

export interface OtlpTelemetry {
  /** Sends what is buffered now. */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the global providers. */
  shutdown(): Promise<void>;
}

/** The SDK packages are missing, or the endpoint is not a URL. */
export class TelemetrySetupError extends BatonError {
  readonly code = 'BATON_TELEMETRY_SETUP';
  override readonly name = 'TelemetrySetupError';
}

const SDK_PACKAGES =
  '@opentelemetry/sdk-trace @opentelemetry/sdk-metrics @opentelemetry/resources ' +
  '@opentelemetry/exporter-trace-otlp-http @opentelemetry/exporter-metrics-otlp-http';

async function load<T>(name: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    throw new TelemetrySetupError(
      `OTLP export needs ${name}, which is not installed (an optional dependency): npm install ${SDK_PACKAGES}`,
      { cause: error },
    );
  }
}

/** Registers global tracer and meter providers that export to `endpoint`. */
export async function startOtlpTelemetry(options: OtlpTelemetryOptions): Promise<OtlpTelemetry> {
  if (!/^https?:\/\//i.test(options.endpoint) || !URL.canParse(options.endpoint)) {
    throw new TelemetrySetupError(
      `OTLP endpoint must be an http(s) URL such as http://127.0.0.1:4318, got "${options.endpoint}".`,
    );
  }
  const base = options.endpoint.replace(/\/+$/, '');
  const [traceSdk, metricsSdk, resources, traceExporter, metricExporter] = await Promise.all([
    load('@opentelemetry/sdk-trace', () => import('@opentelemetry/sdk-trace')),
    load('@opentelemetry/sdk-metrics', () => import('@opentelemetry/sdk-metrics')),
    load('@opentelemetry/resources', () => import('@opentelemetry/resources')),
    load('@opentelemetry/exporter-trace-otlp-http', () => import('@opentelemetry/exporter-trace-otlp-http')),
    load(
      '@opentelemetry/exporter-metrics-otlp-http',
      () => import('@opentelemetry/exporter-metrics-otlp-http'),
    ),
  ]);
  const headers = { ...(options.headers ?? {}) };
  const resource = resources.resourceFromAttributes({ 'service.name': options.serviceName ?? 'baton' });
  const tracerProvider = new traceSdk.TracerProvider({
    resource,
    spanProcessors: [
      new traceSdk.BatchSpanProcessor({
        exporter: new traceExporter.OTLPTraceExporter({ url: `${base}/v1/traces`, headers }),
      }),
    ],
  });
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: [
      new metricsSdk.PeriodicExportingMetricReader({
        exporter: new metricExporter.OTLPMetricExporter({ url: `${base}/v1/metrics`, headers }),
        exportIntervalMillis: options.metricIntervalMs ?? 60_000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  let stopped: Promise<void> | undefined;
  return {
    forceFlush: async () => {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown: () => {
      stopped ??= (async () => {
        await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
        trace.disable();
        metrics.disable();
      })();
      return stopped;
    },
  };
}
