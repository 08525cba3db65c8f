import { customType } from 'drizzle-orm/pg-core';

/** Binary column (protobuf payloads). Both drivers hand back a Uint8Array (Buffer is one). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});
