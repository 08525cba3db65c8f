import { type CallOptions, type Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';

// ts-proto's client methods are overloaded; type inference sees the last, fullest signature.
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Calls a unary method of a ts-proto grpc-js client and returns a promise. */
export function call<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, metadata = new Metadata()): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Calls and expects a failure, returning the ServiceError (fails the test if the call succeeds). */
export async function callError<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req): Promise<ServiceError> {
  try {
    await call(client, method, request);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function insecure() {
  return credentials.createInsecure();
}
