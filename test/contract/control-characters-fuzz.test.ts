import { readFileSync } from 'node:fs';
import { create, createFileRegistry, type DescMessage, type DescService, fromBinary, ScalarType, toBinary } from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CallerRole } from '#contracts/generated/game/platform/v1/access_policy';
import { AccessPolicies } from '#platform/auth/access-policy';
import { DESCRIPTOR_SET_PATH } from '#platform/grpc/descriptor-set';
import {
  deliveryModule,
  giftModule,
  missionModule,
  myPageModule,
  notificationModule,
  rewardModule,
  walletModule,
} from '#testing/platform-modules';
import { TestSystem } from '#testing/test-system';
import type { DevRole } from '../../services/identity/src/dev-token-client.js';

/**
 * Every string field of every RPC's request, enumerated from the descriptor set (not by hand,
 * so a new RPC or field is covered the day it is added), is sent holding NUL and other control
 * characters. Each must come back INVALID_ARGUMENT naming that field: never a 5xx.
 */
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_PATH)));
const services = [...registry.files].filter((file) => file.proto.package.startsWith('game.')).flatMap((file) => file.services);

/** Paths (proto names) of string fields, descending into message fields a few levels. */
function stringFieldPaths(message: DescMessage, prefix: string[] = [], depth = 0): string[][] {
  return message.fields.flatMap((field) => {
    const path = [...prefix, field.name];
    if (field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING) return [path];
    if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar === ScalarType.STRING) return [path];
    if (field.fieldKind === 'message' && depth < 3) return stringFieldPaths(field.message, path, depth + 1);
    return [];
  });
}

/** A request whose field at `path` holds `text` (and whatever leads there is set). */
function requestWith(message: DescMessage, path: string[], text: string, presets: Record<string, string> = {}): Uint8Array {
  const root = create(message);
  const top = reflect(message, root);
  for (const [name, value] of Object.entries(presets)) {
    const field = message.fields.find((candidate) => candidate.name === name);
    if (field && path.join('.') !== name) top.set(field, value);
  }
  let current = top;
  for (const [index, name] of path.entries()) {
    const field = current.desc.fields.find((candidate) => candidate.name === name);
    if (!field) throw new Error(`no field ${name}`);
    if (index === path.length - 1) {
      if (field.fieldKind === 'list') current.get(field).add(text);
      else current.set(field, text);
    } else if (field.fieldKind === 'message') {
      const child = reflect(field.message, create(field.message));
      current.set(field, child);
      current = child;
    }
  }
  return toBinary(message, root);
}

/** The module serving a service: its package's second word (game.<context>.v1); platform's internal API is on every publisher. */
function serverOf(service: DescService): string {
  const context = service.typeName.split('.')[1];
  return context === 'platform' ? 'mission' : context;
}

const policies = AccessPolicies.load();
const FUZZ_PLAYER = 'fuzz-player';
/** Who calls each RPC: a role it allows, else the player that the request then names as its owner. */
function callerOf(path: string): { identity: Exclude<DevRole, 'player'> | { player: string }; presets: Record<string, string> } {
  const policy = policies.forPath(path);
  const role = policy?.allow.map((allowed) => ROLE_OF.get(allowed)).find((found) => found !== undefined);
  if (role) return { identity: role, presets: {} };
  return { identity: { player: FUZZ_PLAYER }, presets: policy?.playerOwnsField ? { [policy.playerOwnsField]: FUZZ_PLAYER } : {} };
}
const ROLE_OF = new Map<CallerRole, Exclude<DevRole, 'player'>>([
  [CallerRole.CALLER_ROLE_SERVICE, 'service'],
  [CallerRole.CALLER_ROLE_OPERATOR, 'operator'],
  [CallerRole.CALLER_ROLE_GAME_SERVER, 'game-server'],
  [CallerRole.CALLER_ROLE_COURIER, 'courier'],
]);

const SAMPLES = ['a\u0000b', '\u0007bell', 'esc\u001b[31m', 'del\u007f', 'c1\u0085'];

describe('Control characters in every text field of every RPC (descriptor-driven fuzz)', function () {
  this.timeout(120_000);
  let system: TestSystem;

  before(async () => {
    system = await TestSystem.create('servers');
    for (const module of [missionModule, rewardModule, walletModule, giftModule, deliveryModule, myPageModule, notificationModule]) {
      await system.start(module as never);
    }
  });
  after(() => system.close());

  it('finds string fields to fuzz in every public service', () => {
    const fuzzed = services.filter((service) => service.methods.some((method) => stringFieldPaths(method.input).length > 0));
    expect(fuzzed.length).to.be.greaterThan(6);
  });

  it('answers INVALID_ARGUMENT naming the field for NUL, BEL, ESC, DEL and C1 in each one, never a 5xx', async () => {
    const failures: string[] = [];
    let calls = 0;
    for (const service of services) {
      const client = system.genericClient(serverOf(service));
      try {
        for (const method of service.methods) {
          for (const path of stringFieldPaths(method.input)) {
            for (const text of SAMPLES) {
              calls += 1;
              const rpcPath = `/${service.typeName}/${method.name}`;
              const caller = callerOf(rpcPath);
              const metadata = new Metadata();
              metadata.set('authorization', `Bearer ${await system.tokens.token(caller.identity)}`);
              const error = await new Promise<ServiceError | undefined>((resolve) =>
                client.makeUnaryRequest(
                  rpcPath,
                  (bytes: Uint8Array) => Buffer.from(bytes),
                  (bytes: Buffer) => bytes,
                  requestWith(method.input, path, text, caller.presets),
                  metadata,
                  { deadline: Date.now() + 10_000 },
                  (err) => resolve(err ?? undefined),
                ),
              );
              const field = path.join('.');
              const where = `${service.name}.${method.name} ${field} ${JSON.stringify(text)}`;
              if (!error) failures.push(`${where}: accepted`);
              else if (error.code !== status.INVALID_ARGUMENT) failures.push(`${where}: ${status[error.code]} ${error.details}`);
              else if (String(error.metadata.get('error-field')[0]).replace(/\[\d+\]$/, '') !== field) {
                failures.push(`${where}: names ${error.metadata.get('error-field')[0]}`);
              }
            }
          }
        }
      } finally {
        client.close();
      }
    }
    expect(calls).to.be.greaterThan(50);
    expect(failures).to.deep.equal([]);
  });
});
