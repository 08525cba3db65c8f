import type { DescMethod, DescService, FileRegistry } from '@bufbuild/protobuf';
import { edgeRefusal, isPublicService, routeTimeoutMs } from '../edge-policy.js';
import { isTextSettable, resolveFieldPath } from '../transcoding/field-path.js';
import { httpBindings } from './http-rule.js';
import {
  compareSpecificity,
  matchTemplate,
  type PathBinding,
  type PathTemplate,
  parsePathTemplate,
  splitRequestPath,
} from './path-template.js';

/** One HTTP binding of a public RPC. */
export interface Route {
  readonly httpMethod: string;
  readonly template: PathTemplate;
  readonly body: string;
  readonly responseBody: string;
  readonly service: DescService;
  readonly method: DescMethod;
  /** `/package.Service/Method`, the gRPC path the request is sent to. */
  readonly grpcPath: string;
  /** Set when the edge refuses the method (403), with the reason. */
  readonly refusal?: string;
  /** Deadline of the upstream call. */
  readonly timeoutMs: number;
}

export interface RouteMatch {
  readonly route: Route;
  readonly bindings: readonly PathBinding[];
}

/**
 * Every HTTP binding of every public service in the descriptor set, from the google.api.http
 * annotations alone: a new RPC gets its route by being annotated. Bad annotations (a template
 * that does not parse, a variable or body naming no field) fail here, at start, not per request.
 */
export class RouteTable {
  private readonly byMethod = new Map<string, Route[]>();

  constructor(registry: FileRegistry) {
    for (const file of registry.files) {
      for (const service of file.services) {
        if (!isPublicService(service)) continue;
        for (const method of service.methods) {
          if (method.methodKind !== 'unary') continue;
          for (const binding of httpBindings(registry, method)) this.add(checked(service, method, binding));
        }
      }
    }
    for (const routes of this.byMethod.values()) routes.sort((a, b) => compareSpecificity(a.template, b.template));
  }

  get routes(): Route[] {
    return [...this.byMethod.values()].flat();
  }

  /** The route an HTTP method and path (without the query) resolve to, with its path bindings. */
  lookup(httpMethod: string, path: string): RouteMatch | undefined {
    const routes = this.byMethod.get(httpMethod);
    if (!routes) return undefined;
    const request = splitRequestPath(path);
    for (const route of routes) {
      const bindings = matchTemplate(route.template, request);
      if (bindings) return { route, bindings };
    }
    return undefined;
  }

  private add(route: Route): void {
    const routes = this.byMethod.get(route.httpMethod) ?? [];
    const clash = routes.find((other) => other.template.source === route.template.source);
    if (clash) throw new Error(`${route.httpMethod} ${route.template.source} is bound twice (${clash.grpcPath} and ${route.grpcPath})`);
    routes.push(route);
    this.byMethod.set(route.httpMethod, routes);
  }
}

function checked(
  service: DescService,
  method: DescMethod,
  binding: { httpMethod: string; path: string; body: string; responseBody: string },
): Route {
  const where = `${service.typeName}.${method.name} (${binding.httpMethod} ${binding.path})`;
  const template = parsePathTemplate(binding.path);
  for (const variable of template.variables) {
    const fields = resolveFieldPath(method.input, variable.fieldPath);
    const leaf = fields?.[fields.length - 1];
    if (!leaf || !isTextSettable(leaf) || leaf.fieldKind === 'list') {
      throw new Error(
        `${where}: path variable "${variable.fieldPath.join('.')}" is not a singular scalar field of ${method.input.typeName}`,
      );
    }
  }
  if (binding.body !== '' && binding.body !== '*' && !method.input.fields.some((field) => field.name === binding.body)) {
    throw new Error(`${where}: body "${binding.body}" is not a field of ${method.input.typeName}`);
  }
  if (binding.responseBody !== '' && !method.output.fields.some((field) => field.name === binding.responseBody)) {
    throw new Error(`${where}: response_body "${binding.responseBody}" is not a field of ${method.output.typeName}`);
  }
  return {
    httpMethod: binding.httpMethod,
    template,
    body: binding.body,
    responseBody: binding.responseBody,
    service,
    method,
    grpcPath: `/${service.typeName}/${method.name}`,
    refusal: edgeRefusal(service.typeName, method.name),
    timeoutMs: routeTimeoutMs(service.typeName, method.name),
  };
}
