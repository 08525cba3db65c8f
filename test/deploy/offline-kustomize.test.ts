import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { KustomizeError, kustomizeBuild, parseManifests } from './support/offline-kustomize.js';

/**
 * The offline kustomize (test/deploy/support/offline-kustomize.ts) against kustomize itself: the
 * fixture below uses every feature k8s/ relies on, and EXPECTED is what `kubectl kustomize`
 * (kustomize v5.5.0) printed for it.
 */
const FIXTURE: Record<string, string | Buffer> = {
  'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: demo
labels:
  - pairs: {team: game}
images:
  - name: registry.local:5000/app
    newTag: "2.0"
resources:
  - pod.yaml
configMapGenerator:
  - name: app-config
    envs: [app.env]
    literals: ['QUOTED="kept inside"']
  - name: blob
    files: [data=blob.bin]
secretGenerator:
  - name: app-secrets
    literals: [PASSWORD=a-rather-long-password-value-that-wraps-past-seventy-characters-for-sure]
`,
  'app.env': `# comment
  LEADING=spaces are trimmed
EMPTY=
URL=postgres://u:p@h:5432/db?x=1&y=<2>
`,
  'blob.bin': Buffer.from(Array.from({ length: 30 }, () => [0x00, 0x01, 0x02, 0xff]).flat()),
  'pod.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: registry.local:5000/app:1.0
          envFrom:
            - configMapRef: {name: app-config}
            - secretRef: {name: app-secrets}
          env:
            - name: ONE
              valueFrom:
                configMapKeyRef: {name: app-config, key: URL}
      volumes:
        - name: blob
          configMap: {name: blob, defaultMode: 0440}
        - name: both
          projected:
            sources:
              - secret: {name: app-secrets}
`,
};

const EXPECTED = `apiVersion: v1
data:
  EMPTY: ""
  LEADING: spaces are trimmed
  QUOTED: kept inside
  URL: postgres://u:p@h:5432/db?x=1&y=<2>
kind: ConfigMap
metadata:
  labels:
    team: game
  name: app-config-kbkcfkkkt9
  namespace: demo
---
apiVersion: v1
binaryData:
  data: |
    AAEC/wABAv8AAQL/AAEC/wABAv8AAQL/AAEC/wABAv8AAQL/AAEC/wABAv8AAQL/AAEC/w
    ABAv8AAQL/AAEC/wABAv8AAQL/AAEC/wABAv8AAQL/AAEC/wABAv8AAQL/AAEC/wABAv8A
    AQL/AAEC/wABAv8AAQL/
kind: ConfigMap
metadata:
  labels:
    team: game
  name: blob-c67m8dhkg8
  namespace: demo
---
apiVersion: v1
data:
  PASSWORD: |
    YS1yYXRoZXItbG9uZy1wYXNzd29yZC12YWx1ZS10aGF0LXdyYXBzLXBhc3Qtc2V2ZW50eS
    1jaGFyYWN0ZXJzLWZvci1zdXJl
kind: Secret
metadata:
  labels:
    team: game
  name: app-secrets-9f2b42gttm
  namespace: demo
type: Opaque
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    team: game
  name: app
  namespace: demo
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - env:
        - name: ONE
          valueFrom:
            configMapKeyRef:
              key: URL
              name: app-config-kbkcfkkkt9
        envFrom:
        - configMapRef:
            name: app-config-kbkcfkkkt9
        - secretRef:
            name: app-secrets-9f2b42gttm
        image: registry.local:5000/app:2.0
        name: app
      volumes:
      - configMap:
          defaultMode: 288
          name: blob-c67m8dhkg8
        name: blob
      - name: both
        projected:
          sources:
          - secret:
              name: app-secrets-9f2b42gttm
`;

describe('offline kustomize (the subset k8s/ uses)', () => {
  let dir: string;

  function write(files: Record<string, string | Buffer>, under = dir): string {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(under, name, '..'), { recursive: true });
      writeFileSync(join(under, name), content);
    }
    return under;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offline-kustomize-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a fixture using every supported feature exactly as kustomize v5.5.0 does (hash suffixes, renamed references, env files, literals, binaryData, namespace, labels, images, YAML 1.1 octal)', () => {
    const built = kustomizeBuild(write(FIXTURE));
    const expected = parseManifests(EXPECTED, 'kubectl kustomize output');
    const byId = (list: typeof built) => Object.fromEntries(list.map((manifest) => [`${manifest.kind}/${manifest.metadata.name}`, manifest]));
    expect(byId(built)).to.deep.equal(byId(expected));
  });

  it('builds a directory resource (a base) recursively and renames the base\'s references to a Secret the overlay generates', () => {
    write({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': FIXTURE['pod.yaml'] as string,
      'overlay/kustomization.yaml': 'resources: [../base]\nsecretGenerator:\n  - name: app-secrets\n    literals: [A=b]\n',
    });
    const [deployment, secret] = kustomizeBuild(join(dir, 'overlay'));
    expect(secret.metadata.name).to.match(/^app-secrets-[a-z0-9]{10}$/);
    expect(deployment.spec.template.spec.containers[0].envFrom[1].secretRef.name).to.equal(secret.metadata.name);
    // Nothing generated app-config here, so its references stay as written.
    expect(deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name).to.equal('app-config');
  });

  it('refuses a kustomization field it does not implement instead of ignoring it', () => {
    write({ 'kustomization.yaml': 'resources: []\npatches:\n  - path: patch.yaml\n' });
    expect(() => kustomizeBuild(dir)).to.throw(KustomizeError, /does not support the field 'patches'/);
  });

  it('refuses a file outside the kustomization root, as kustomize\'s default load restrictor does', () => {
    write({ 'outside.txt': 'x', 'root/kustomization.yaml': 'configMapGenerator:\n  - name: c\n    files: [../outside.txt]\n' });
    expect(() => kustomizeBuild(join(dir, 'root'))).to.throw(KustomizeError, /not in or below/);
  });

  it('refuses two resources with the same id', () => {
    write({ 'kustomization.yaml': 'resources: [a.yaml, b.yaml]\n', 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', 'b.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' });
    expect(() => kustomizeBuild(dir)).to.throw(KustomizeError, /already registered id/);
  });

  it('refuses an env file line without a value rather than reading the builder\'s environment', () => {
    write({ 'kustomization.yaml': 'configMapGenerator:\n  - name: c\n    envs: [c.env]\n', 'c.env': 'HOME\n' });
    expect(() => kustomizeBuild(dir)).to.throw(KustomizeError, /has no '='/);
  });
});
