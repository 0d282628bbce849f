#!/usr/bin/env python3
"""Sends one trace with nested spans to an Optralis api over OTLP/HTTP (protobuf), with the real
OpenTelemetry SDK and exporter (pinned by scripts/deps.sh in .local/venv-otel), and prints the
trace id (32 hex digits). Exits 1 if the exporter reports a failure.

    .local/venv-otel/bin/python scripts/tests/otlp_send.py --endpoint http://127.0.0.1:8080 --key oapm_…

The trace: GET /checkout (server) > load cart > SELECT carts (client), and GET /checkout >
charge card (client, status error). Used by the api's APM tests and by scripts/bench (--spans N:
N traces of that shape, and the spans a second on stdout).
"""
import argparse
import sys
import time

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode


class RecordingExporter(OTLPSpanExporter):
    """The OTLP exporter, remembering whether every export succeeded."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.failures = 0
        self.exported = 0

    def export(self, spans):
        result = super().export(spans)
        if result == SpanExportResult.SUCCESS:
            self.exported += len(spans)
        else:
            self.failures += 1
        return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="the api's base URL")
    parser.add_argument("--key", required=True, help="the application's ingest key")
    parser.add_argument("--header", choices=["authorization", "x-optralis-key"], default="authorization")
    parser.add_argument("--traces", type=int, default=1, help="how many traces of 4 spans")
    parser.add_argument("--gzip", action="store_true", help="compress the bodies (Content-Encoding: gzip), as an OpenTelemetry Collector does")
    args = parser.parse_args()

    headers = {"Authorization": f"Bearer {args.key}"} if args.header == "authorization" else {"x-optralis-key": args.key}
    exporter = RecordingExporter(endpoint=args.endpoint.rstrip("/") + "/v1/traces", headers=headers, timeout=10,
                                 compression=Compression.Gzip if args.gzip else Compression.NoCompression)
    provider = TracerProvider(resource=Resource.create({"service.name": "checkout", "service.version": "1.4.2"}))
    provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=512, schedule_delay_millis=200))
    tracer = provider.get_tracer("optralis.tests")

    started = time.monotonic()
    trace_id = None
    for _ in range(args.traces):
        with tracer.start_as_current_span("GET /checkout", kind=SpanKind.SERVER, attributes={"http.method": "GET", "http.status_code": 200}) as root:
            trace_id = format(root.get_span_context().trace_id, "032x")
            with tracer.start_as_current_span("load cart", attributes={"cart.items": 3}):
                with tracer.start_as_current_span("SELECT carts", kind=SpanKind.CLIENT, attributes={"db.system": "postgresql"}):
                    time.sleep(0.002)
            with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT) as charge:
                charge.set_status(Status(StatusCode.ERROR, "card declined"))
    flushed = provider.force_flush(30_000)
    elapsed = time.monotonic() - started
    provider.shutdown()
    if not flushed or exporter.failures:
        print(f"export failed: flushed={flushed} failures={exporter.failures}", file=sys.stderr)
        return 1
    if args.traces > 1:
        print(f"{exporter.exported} spans in {elapsed:.2f} s: {exporter.exported / elapsed:.0f} spans/s")
    print(trace_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
