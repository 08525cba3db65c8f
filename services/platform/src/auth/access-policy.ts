import { type DescExtension, type DescMethod, type FileRegistry, getOption, hasOption } from '@bufbuild/protobuf';
import { CallerRole } from '#contracts/generated/game/platform/v1/access_policy';
import { DESCRIPTOR_SET_PATH, descriptorRegistry } from '../grpc/descriptor-set.js';

/** Who may call one RPC, as declared by `option (game.platform.v1.access)` beside it in proto/. */
export interface MethodAccessPolicy {
  /** gRPC path, e.g. /game.wallet.v1.WalletService/GetWallet. */
  readonly path: string;
  readonly service: string;
  readonly method: string;
  readonly allow: readonly CallerRole[];
  /** Proto name of the request field a PLAYER caller must own (equal to the token's sub); '' if none. */
  readonly playerOwnsField: string;
  /** Its JSON (camelCase) name, as ts-proto and the REST body name it; '' if none. */
  readonly playerOwnsJsonField: string;
  readonly rateLimited: boolean;
}

/** The packages the platform owns: their RPCs are denied unless a policy allows them. */
const PLATFORM_PACKAGE = /^game\./;
const ACCESS_OPTION = 'game.platform.v1.access';

/** Every RPC of the descriptor set, with its policy (undefined: none declared, so nobody may call it). */
export class AccessPolicies {
  private constructor(private readonly byPath: ReadonlyMap<string, MethodAccessPolicy | undefined>) {}

  static fromRegistry(registry: FileRegistry): AccessPolicies {
    const option = registry.getExtension(ACCESS_OPTION);
    if (!option) throw new Error(`the descriptor set lacks the ${ACCESS_OPTION} option (run npm run gen)`);
    const byPath = new Map<string, MethodAccessPolicy | undefined>();
    for (const file of registry.files) {
      for (const service of file.services) {
        for (const method of service.methods) {
          const path = `/${service.typeName}/${method.name}`;
          byPath.set(path, hasOption(method, option) ? toPolicy(path, service.typeName, method, option) : undefined);
        }
      }
    }
    return new AccessPolicies(byPath);
  }

  /** From the FileDescriptorSet `npm run gen` builds (the one the gateway and Envoy are given). */
  static load(path: string = DESCRIPTOR_SET_PATH): AccessPolicies {
    cached ??= new Map();
    let policies = cached.get(path);
    if (!policies) {
      policies = AccessPolicies.fromRegistry(descriptorRegistry(path));
      cached.set(path, policies);
    }
    return policies;
  }

  /** Every RPC path of the descriptor set, declared policy or not. */
  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** Paths of the platform's own packages (game.*), the ones default deny applies to. */
  platformPaths(): string[] {
    return this.paths().filter((path) => PLATFORM_PACKAGE.test(path.slice(1)));
  }

  /** Whether the path is one of the platform's RPCs (infrastructure such as health and reflection is not). */
  isPlatform(path: string): boolean {
    return PLATFORM_PACKAGE.test(path.slice(1));
  }

  /** The declared policy, or undefined (an unknown path or an RPC without a policy). */
  forPath(path: string): MethodAccessPolicy | undefined {
    return this.byPath.get(path);
  }
}

let cached: Map<string, AccessPolicies> | undefined;

/** The option's value, read dynamically (the extension comes from the registry, not generated code). */
interface AccessOptionValue {
  allow: CallerRole[];
  playerOwnsField: string;
  rateLimited: boolean;
}

function toPolicy(path: string, service: string, method: DescMethod, option: DescExtension): MethodAccessPolicy {
  const value = getOption(method, option) as AccessOptionValue;
  const owned = value.playerOwnsField ? method.input.fields.find((field) => field.name === value.playerOwnsField) : undefined;
  if (value.playerOwnsField && !owned)
    throw new Error(`${path}: player_owns_field "${value.playerOwnsField}" is not a field of its request`);
  return {
    path,
    service,
    method: path.slice(path.lastIndexOf('/') + 1),
    allow: value.allow,
    playerOwnsField: value.playerOwnsField,
    playerOwnsJsonField: owned?.jsonName ?? '',
    rateLimited: value.rateLimited,
  };
}

export { CallerRole };
