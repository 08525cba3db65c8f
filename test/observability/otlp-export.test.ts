import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { expect } from 'chai';
import { startTracing, tracer, tracingEnabled } from '#platform/telemetry/tracing';
import { rawUnaryMethod } from '#testing/raw-grpc-method';

/**
 * OTLP's trace Export RPC as a collector serves it, the request kept as the bytes the exporter
 * sent (an ExportTraceServiceRequest); an empty answer is an empty ExportTraceServiceResponse.
 */
const TRACE_SERVICE: ServiceDefinition = {
  export: rawUnaryMethod('/opentelemetry.proto.collector.trace.v1.TraceService/Export'),
};

/** A process's spans leave over OTLP/gRPC when OTEL_EXPORTER_OTLP_ENDPOINT is set, as every service starts them. */
describe('Trace export over OTLP', () => {
  const received: Buffer[] = [];
  let collector: Server;
  let port: number;

  before(async () => {
    collector = new Server();
    const implementation: UntypedServiceImplementation = {
      export: (call: { request: Buffer }, callback: (error: null, response: Buffer) => void) => {
        received.push(call.request);
        callback(null, Buffer.alloc(0));
      },
    };
    collector.addService(TRACE_SERVICE, implementation);
    port = await new Promise<number>((resolve, reject) =>
      collector.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  });

  after(() => collector.forceShutdown());

  it('registers nothing while OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const running = await startTracing('otlp-export-test', {});
    expect(tracingEnabled()).to.equal(false);
    await running.shutdown();
  });

  it("sends the process's spans, named by its service, to the collector the variable names", async () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    // The exporter reads the standard variables itself, from the process's environment.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    try {
      const running = await startTracing('otlp-export-test', process.env);
      expect(tracingEnabled()).to.equal(true);
      tracer().startSpan('otlp export probe').end();
      await running.shutdown(); // flushes the batch
      expect(tracingEnabled()).to.equal(false);
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    }
    const sent = Buffer.concat(received).toString('latin1');
    expect(received, 'Export calls the collector answered').to.not.be.empty;
    expect(sent).to.include('otlp-export-test').and.include('otlp export probe');
  });
});
