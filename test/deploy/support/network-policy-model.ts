import type { Manifest } from './deploy-facts.js';

/**
 * Kubernetes NetworkPolicy semantics (ingress only) for the subset these manifests use: a pod is
 * isolated once any policy selects it; a connection is allowed when some policy selecting the
 * target has a rule whose `from` (absent: everyone) names the source and whose `ports` (absent:
 * all) include the target port (by number or by the container port's name). A peer with a
 * podSelector alone names pods of the policy's own namespace; with a namespaceSelector alone,
 * every pod of the namespaces it selects; with both, those pods of those namespaces (selectors:
 * matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist; a namespace is known by its
 * labels, kubernetes.io/metadata.name included, as the API server sets it).
 * ipBlock is not used here and is refused, so it cannot pass unmodelled.
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

/** A source pod: its labels, and its namespace's (default: the target's own namespace). */
export interface Source {
  readonly labels: Labels;
  readonly namespace?: Labels;
}

/** The labels the API server gives namespace `name`. */
export function namespaceLabels(name: string, extra: Labels = {}): Labels {
  return { ...extra, 'kubernetes.io/metadata.name': name };
}

/**
 * Whether a pod labelled `from` (or a Source, for a pod of another namespace) may connect to a
 * pod labelled `to`, in the policies' namespace, on `port`.
 */
export function ingressAllowed(policies: Manifest[], from: Labels | Source, to: Labels, port: PodPort): boolean {
  const source: Source = 'labels' in from && typeof from.labels === 'object' ? (from as Source) : { labels: from as Labels };
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
          if (peer.ipBlock) throw new Error(`${policy.metadata.name}: ipBlock is not modelled`);
          const own = namespaceLabels(policy.metadata.namespace ?? 'default');
          const namespace = source.namespace ?? own;
          const namespaceOk = peer.namespaceSelector
            ? selects(peer.namespaceSelector, namespace)
            : namespace['kubernetes.io/metadata.name'] === own['kubernetes.io/metadata.name'];
          return namespaceOk && selects(peer.podSelector, source.labels);
        });
      const ports: any[] | undefined = rule.ports;
      const portOk =
        ports === undefined || ports.some((p) => p.port === port.containerPort || (port.name !== undefined && p.port === port.name));
      return fromOk && portOk;
    }),
  );
}
