import { readFileSync } from 'node:fs';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { DESCRIPTOR_SET_PATH } from '#platform/grpc/descriptor-set';

/**
 * The contract as the gateway knows it: the FileDescriptorSet `npm run gen` builds from proto/
 * (imports included, so google.api.http and its HttpRule resolve), the same bytes Envoy's
 * transcoder is given.
 */
export function loadDescriptorRegistry(path: string = DESCRIPTOR_SET_PATH): FileRegistry {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(path)));
}
