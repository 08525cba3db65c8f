import { type DescExtension, type DescMethod, type FileRegistry, getOption, hasOption, toBinary } from '@bufbuild/protobuf';
import { HttpRule } from '#contracts/generated/google/api/http';

/** One HTTP binding of a method: a rule or one of its additional_bindings. */
export interface HttpBinding {
  readonly httpMethod: string;
  readonly path: string;
  /** '' (no body), '*' (the whole request) or a top-level request field name. */
  readonly body: string;
  /** '' (the whole response) or a top-level response field name. */
  readonly responseBody: string;
}

/**
 * The google.api.http bindings of a method, read from its options in the descriptor set (the
 * extension's bytes decoded with the ts-proto HttpRule type). No annotation, no bindings.
 */
export function httpBindings(registry: FileRegistry, method: DescMethod): HttpBinding[] {
  const extension = registry.getExtension('google.api.http') as DescExtension | undefined;
  if (extension?.fieldKind !== 'message' || !hasOption(method, extension)) return [];
  const rule = HttpRule.decode(toBinary(extension.message, getOption(method, extension) as never));
  // additional_bindings may not nest (http.proto), so one level is all there is.
  return [rule, ...rule.additionalBindings].map((binding) => toBinding(binding, method));
}

function toBinding(rule: HttpRule, method: DescMethod): HttpBinding {
  const pattern: [string, string | undefined][] = [
    ['GET', rule.get],
    ['PUT', rule.put],
    ['POST', rule.post],
    ['DELETE', rule.delete],
    ['PATCH', rule.patch],
    [rule.custom?.kind.toUpperCase() ?? '', rule.custom?.path],
  ];
  const chosen = pattern.find(([, path]) => path !== undefined && path !== '');
  if (!chosen) throw new Error(`google.api.http on ${method.parent.typeName}.${method.name} has no pattern`);
  return { httpMethod: chosen[0], path: chosen[1] as string, body: rule.body, responseBody: rule.responseBody };
}
