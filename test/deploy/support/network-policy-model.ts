import type { Manifest } from './deploy-facts.js';

/**
 * Kubernetes NetworkPolicy semantics (ingress only) for the subset these manifests use: a pod is
 * isolated once any policy selects it; a connection is allowed when some policy selecting the
 * target has a rule whose `from` (absent: everyone) names the source (podSelector in the same
 * namespace, matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist) and whose `ports`
 * (absent: all) include the target port (by number or by the container port's name).
 * ipBlock and namespaceSelector are not used here and are refused, so they cannot pass unmodelled.
 */

type Labels = Readonly<Record<string, string>>;
interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function selects(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : (() => {
                  throw new Error(`unsupported operator ${operator}`);
                })();
    if (!ok) return false;
  }
  return true;
}

export interface PodPort {
  readonly name?: string;
  readonly containerPort: number;
}

/** Whether a pod labelled `from` may connect to a pod labelled `to` on `port`. */
export function ingressAllowed(policies: Manifest[], from: Labels, to: Labels, port: PodPort): boolean {
  const selecting = policies.filter(
    (policy) => selects(policy.spec.podSelector, to) && (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: any) => {
      const peers: any[] | undefined = rule.from;
      const fromOk =
        peers === undefined ||
        peers.some((peer) => {
          if (peer.ipBlock || peer.namespaceSelector)
            throw new Error(`${policy.metadata.name}: ipBlock/namespaceSelector are not modelled`);
          return selects(peer.podSelector, from);
        });
      const ports: any[] | undefined = rule.ports;
      const portOk =
        ports === undefined || ports.some((p) => p.port === port.containerPort || (port.name !== undefined && p.port === port.name));
      return fromOk && portOk;
    }),
  );
}
