import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/**
 * The FileDescriptorSet `npm run gen` builds from proto/ with buf (imports included). Server
 * reflection is fed from it rather than from proto-loader, whose re-packed files lose their
 * dependency lists and break reflection clients such as grpcurl.
 */
export const DESCRIPTOR_SET_PATH = fileURLToPath(new URL('../../../contracts/generated/descriptor-set.binpb', import.meta.url));

let cached: Buffer[] | undefined;

/** Every file of the set, each serialized on its own (the shape @grpc/reflection indexes). */
export function loadFileDescriptors(): Buffer[] {
  cached ??= fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_PATH)).file.map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file)),
  );
  return cached;
}
