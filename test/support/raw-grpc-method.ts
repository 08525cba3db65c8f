import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * A unary method whose request and response stay the bytes on the wire: a stand-in server
 * (an upstream the gateway calls, an OTLP collector) records what it was sent without the
 * message types, and answers with bytes of its own (empty bytes: an empty message).
 */
export function rawUnaryMethod(path: string): ServiceDefinition[string] {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  };
}
