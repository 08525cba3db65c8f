import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/**
 * The FileDescriptorSet `npm run gen` builds from proto/ with buf (imports included). Server
 * reflection is fed from it rather than from proto-loader, whose re-packed files lose their
 * dependency lists and break reflection clients such as grpcurl.
 */
export const DESCRIPTOR_SET_PATH = fileURLToPath(new URL('../../../contracts/generated/descriptor-set.binpb', import.meta.url));

let bytes: Buffer | undefined;
/** The default set's bytes, read once. */
function defaultSetBytes(): Buffer {
  bytes ??= readFileSync(DESCRIPTOR_SET_PATH);
  return bytes;
}
let files: Buffer[] | undefined;
const registries = new Map<string, FileRegistry>();

/** FileDescriptorSet.file (repeated FileDescriptorProto, field 1). */
const FILE_FIELD = 1;

/**
 * Every file of the set, each serialized on its own (the shape @grpc/reflection indexes): the
 * set's own bytes for each, cut apart on the wire rather than decoded and encoded again.
 */
export function loadFileDescriptors(): Buffer[] {
  if (!files) {
    const reader = new BinaryReader(defaultSetBytes());
    files = [];
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === FILE_FIELD && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
      else reader.skip(wireType, field);
    }
  }
  return files;
}

/**
 * The set as a registry of descriptors, parsed once per process and path: the access policies,
 * the event catalog and the gateway's routes all read it (a decode costs tens of milliseconds
 * and megabytes of heap for each copy). The registry is never changed by its readers.
 */
export function descriptorRegistry(path: string = DESCRIPTOR_SET_PATH): FileRegistry {
  let registry = registries.get(path);
  if (!registry) {
    const set = fromBinary(FileDescriptorSetSchema, path === DESCRIPTOR_SET_PATH ? defaultSetBytes() : readFileSync(path));
    registry = createFileRegistry(set);
    registries.set(path, registry);
  }
  return registry;
}
