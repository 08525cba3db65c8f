import type { FileRegistry } from '@bufbuild/protobuf';
import { DESCRIPTOR_SET_PATH, descriptorRegistry } from '#platform/grpc/descriptor-set';

/**
 * The contract as the gateway knows it: the FileDescriptorSet `npm run gen` builds from proto/
 * (imports included, so google.api.http and its HttpRule resolve), the same bytes Envoy's
 * transcoder is given. Parsed once per process (shared with the access policies and events).
 */
export function loadDescriptorRegistry(path: string = DESCRIPTOR_SET_PATH): FileRegistry {
  return descriptorRegistry(path);
}
