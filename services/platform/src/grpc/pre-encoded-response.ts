import type { ServiceDefinition } from '@grpc/grpc-js';

const BYTES = Symbol('pre-encoded response');

interface PreEncoded {
  readonly [BYTES]: Uint8Array;
}

/**
 * A response that is already the method's message, encoded: a read model's stored answer,
 * written once when it changed and read many times. The handler hands it back where its type
 * says the message (the one cast is here); a definition made by acceptingPreEncoded sends its
 * bytes as they are instead of encoding a message, so a read neither decodes nor encodes it.
 */
export function preEncoded<Message>(bytes: Uint8Array): Message {
  const response: PreEncoded = { [BYTES]: bytes };
  return response as unknown as Message;
}

/**
 * The service's definition with every response serializer taking a preEncoded response as it
 * is; any other response is encoded by the generated serializer, as before.
 */
export function acceptingPreEncoded<Definition extends ServiceDefinition>(definition: Definition): Definition {
  const methods = Object.entries(definition).map(([name, method]) => [
    name,
    {
      ...method,
      responseSerialize: (response: unknown): Buffer => {
        const bytes = (response as Partial<PreEncoded> | undefined)?.[BYTES];
        return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : method.responseSerialize(response);
      },
    },
  ]);
  return Object.fromEntries(methods) as Definition;
}
