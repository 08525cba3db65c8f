import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { LIVENESS_HEALTH_SERVICE, READINESS_HEALTH_SERVICE } from '#platform/runtime/database-health';
import { WEB_APP } from '../../scripts/deploy/render-service-manifests.js';
import { HEALTH_PATH } from '../../services/web/server/web-server.js';
import {
  buildManifests,
  type ContractService,
  collect,
  containerEnvironment,
  contractServices,
  envoyAdminAddress,
  envoyClusterEndpoints,
  envoyConfig,
  envoyListeners,
  find,
  findGenerated,
  GRPC_PORT,
  imageName,
  isFile,
  type Manifest,
  makefileVariables,
  NAMESPACE,
  podTemplateSpecs,
  readinessListenerProblems,
  repoPath,
  requiredVariables,
  valuesOf,
  variablesReadBy,
} from './support/deploy-facts.js';
import { schemaErrors, typeErrors } from './support/manifest-schema.js';

/**
 * The manifests as `make deploy` applies them (k8s/overlays/kind, with k8s/base under it), built
 * by `kubectl kustomize` (test/deploy/support/deploy-facts.ts) and checked against the Kubernetes schema and
 * the project's rules. Nothing here needs Docker, kind or a cluster.
 */
describe('Kubernetes manifests (k8s/base and k8s/overlays/kind, built offline)', () => {
  let base: Manifest[];
  let kind: Manifest[];

  before(() => {
    ({ base, kind } = buildManifests());
  });

  const workloads = () => kind.filter((manifest) => ['Deployment', 'StatefulSet', 'CronJob'].includes(manifest.kind));
  const appDeployments = () =>
    kind.filter((manifest) => manifest.kind === 'Deployment' && manifest.metadata.labels?.['app.kubernetes.io/component'] === 'service');

  describe('schema and cluster-wide rules', () => {
    it('every resource of the base and of the kind overlay validates against the Kubernetes 1.27 schema (kubernetes-models)', () => {
      expect(schemaErrors(base), 'k8s/base').to.deep.equal([]);
      expect(schemaErrors(kind), 'k8s/overlays/kind').to.deep.equal([]);
    });

    it('no resource has a field the Kubernetes API does not define (typed with the kubernetes-models interfaces, compiled by tsc)', async () => {
      expect(await typeErrors(base, 'base')).to.deep.equal([]);
      expect(await typeErrors(kind, 'kind')).to.deep.equal([]);
    });

    it('every namespaced resource is in namespace game, whose Namespace enforces the restricted Pod Security Standard', () => {
      for (const manifest of kind) {
        if (manifest.kind === 'Namespace') continue;
        expect(manifest.metadata.namespace, `${manifest.kind}/${manifest.metadata.name}`).to.equal(NAMESPACE);
      }
      const namespace = find(kind, 'Namespace', NAMESPACE);
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).to.equal('restricted');
    });

    it('every pod template meets the restricted Pod Security Standard (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, allowed volume types only)', () => {
      const allowedVolumes = ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim', 'ephemeral', 'csi'];
      for (const workload of workloads()) {
        const name = `${workload.kind}/${workload.metadata.name}`;
        const [pod] = podTemplateSpecs(workload);
        for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[flag], `${name} ${flag}`).to.not.equal(true);
        for (const volume of pod.volumes ?? []) {
          const type = Object.keys(volume).find((key) => key !== 'name');
          expect(allowedVolumes, `${name} volume ${volume.name}`).to.include(type);
        }
        for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
          const where = `${name} container ${container.name}`;
          const security = container.securityContext ?? {};
          expect(security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${where} runAsNonRoot`).to.equal(true);
          expect(security.runAsUser ?? pod.securityContext?.runAsUser, `${where} runAsUser`)
            .to.be.a('number')
            .above(0);
          expect(security.allowPrivilegeEscalation, `${where} allowPrivilegeEscalation`).to.equal(false);
          expect(security.privileged ?? false, `${where} privileged`).to.equal(false);
          expect(security.capabilities?.drop, `${where} capabilities.drop`).to.include('ALL');
          expect(security.capabilities?.add ?? [], `${where} capabilities.add`).to.deep.equal([]);
          expect((security.seccompProfile ?? pod.securityContext?.seccompProfile)?.type, `${where} seccomp`).to.equal('RuntimeDefault');
          expect(security.readOnlyRootFilesystem, `${where} readOnlyRootFilesystem`).to.equal(true);
          for (const port of container.ports ?? []) expect(port.hostPort, `${where} hostPort`).to.equal(undefined);
        }
        // Prometheus alone holds a token: its pod discovery reads the API (Role prometheus-discovery).
        if (workload.metadata.name !== 'prometheus')
          expect(pod.automountServiceAccountToken, `${name} automountServiceAccountToken`).to.equal(false);
      }
    });

    it("the only pod with an API token is Prometheus's, and its Role reads pods in namespace game and nothing else", () => {
      const withToken = workloads().filter((workload) => podTemplateSpecs(workload)[0].automountServiceAccountToken !== false);
      expect(withToken.map((workload) => workload.metadata.name)).to.deep.equal(['prometheus']);
      const pod = podTemplateSpecs(withToken[0])[0];
      const binding = kind.find((m) => m.kind === 'RoleBinding' && m.subjects?.some((s: any) => s.name === pod.serviceAccountName));
      expect(binding?.roleRef.kind).to.equal('Role');
      expect(find(kind, 'Role', binding?.roleRef.name).rules).to.deep.equal([
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      ]);
      expect(kind.filter((m) => ['ClusterRole', 'ClusterRoleBinding'].includes(m.kind))).to.deep.equal([]);
    });

    it('every image is pinned to an explicit tag, never latest', () => {
      for (const workload of workloads()) {
        for (const container of podTemplateSpecs(workload)[0].containers) {
          const tag = container.image.slice(imageName(container.image).length + 1);
          expect(tag, `${workload.metadata.name}: ${container.image}`).to.match(/^[\w][\w.-]*$/);
          expect(tag).to.not.equal('latest');
        }
      }
    });

    it('every ConfigMap and Secret a pod template references exists in the overlay output (after kustomize renamed them with their hash)', () => {
      const names = (kindName: string) =>
        new Set(kind.filter((manifest) => manifest.kind === kindName).map((manifest) => manifest.metadata.name));
      const configMaps = names('ConfigMap');
      const secrets = names('Secret');
      for (const workload of workloads()) {
        const pod = podTemplateSpecs(workload)[0];
        const where = `${workload.kind}/${workload.metadata.name}`;
        for (const ref of collect(pod, 'configMapRef'))
          expect(configMaps, `${where} configMapRef`).to.include((ref as { name: string }).name);
        for (const ref of collect(pod, 'configMapKeyRef'))
          expect(configMaps, `${where} configMapKeyRef`).to.include((ref as { name: string }).name);
        for (const ref of collect(pod, 'secretRef')) expect(secrets, `${where} secretRef`).to.include((ref as { name: string }).name);
        for (const ref of collect(pod, 'secretKeyRef')) expect(secrets, `${where} secretKeyRef`).to.include((ref as { name: string }).name);
        for (const volume of pod.volumes ?? []) {
          if (volume.configMap) expect(configMaps, `${where} volume ${volume.name}`).to.include(volume.configMap.name);
          for (const source of volume.projected?.sources ?? [])
            if (source.configMap) expect(configMaps, `${where} projected`).to.include(source.configMap.name);
        }
      }
    });
  });

  describe('every gRPC service of the contract', () => {
    // game.platform.v1 (event replay, read-model admin) is served inside the deployed services by
    // the shared library services/platform, which is no process of its own.
    const HOSTED_CONTEXTS = ['platform'];
    const services: ContractService[] = contractServices().filter((service) => !HOSTED_CONTEXTS.includes(service.context));

    it('game.platform.v1 is hosted by the deployed services: services/platform is a library with no main of its own', () => {
      for (const context of HOSTED_CONTEXTS)
        expect(isFile(repoPath('services', context, 'src', 'main.ts')), `services/${context}/src/main.ts`).to.equal(false);
    });

    it('every game.<context>.v1 service in the contract has a directory services/<context> and a Deployment, and every app Deployment is a service of the contract', () => {
      const contexts = [...new Set(services.map((service) => service.context))].sort();
      expect(contexts, 'services in the descriptor set').to.not.be.empty;
      for (const context of contexts)
        expect(isFile(repoPath('services', context, 'src', 'main.ts')), `services/${context}/src/main.ts`).to.equal(true);
      expect(
        appDeployments()
          .map((deployment) => deployment.metadata.name)
          .sort(),
      ).to.deep.equal(contexts);
    });

    for (const context of [...new Set(services.map((service) => service.context))].sort()) {
      const fullNames = services.filter((service) => service.context === context).map((service) => service.fullName);
      const deployment = () => find(kind, 'Deployment', context);
      const container = () => deployment().spec.template.spec.containers[0];

      describe(context, () => {
        it('runs as a Deployment of 2 replicas that rolls out with maxUnavailable 0 and maxSurge 1', () => {
          const spec = deployment().spec;
          expect(spec.replicas).to.equal(2);
          expect(spec.strategy).to.deep.equal({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        });

        it(`has gRPC startup, readiness and liveness probes on port ${GRPC_PORT}, the port its container declares and its ConfigMap makes it listen on`, () => {
          const c = container();
          expect(c.ports).to.deep.include({ name: 'grpc', containerPort: GRPC_PORT, protocol: 'TCP' });
          for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
            expect(c[probe]?.grpc?.port, `${probe} port`).to.equal(GRPC_PORT);
            // '' is the whole server; a full name must be one of this context's services.
            if (probe !== 'livenessProbe') expect(['', ...fullNames], `${probe} service`).to.include(c[probe].grpc.service ?? '');
          }
          // Liveness asks the health service that fails only after a long database loss
          // (test/resilience/database-outage.test.ts proves both flips and the recovery).
          expect(c.livenessProbe.grpc.service).to.equal(LIVENESS_HEALTH_SERVICE);
          expect(c.readinessProbe.grpc.service ?? '').to.equal(READINESS_HEALTH_SERVICE);
          const env = containerEnvironment(kind, c);
          expect(env[`${context.toUpperCase()}_GRPC_PORT`]).to.equal(String(GRPC_PORT));
        });

        it('has resource requests and limits and the hardened security context (uid 10001, read-only root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp) with /tmp an emptyDir', () => {
          const c = container();
          for (const kindOfResource of ['requests', 'limits']) {
            expect(c.resources?.[kindOfResource]?.cpu, `${kindOfResource}.cpu`).to.be.a('string');
            expect(c.resources?.[kindOfResource]?.memory, `${kindOfResource}.memory`).to.be.a('string');
          }
          expect(c.securityContext).to.deep.include({
            runAsNonRoot: true,
            runAsUser: 10001,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          });
          const tmp = c.volumeMounts.find((mount: { mountPath: string }) => mount.mountPath === '/tmp');
          expect(tmp, '/tmp mount').to.not.equal(undefined);
          const volume = deployment().spec.template.spec.volumes.find((candidate: { name: string }) => candidate.name === tmp.name);
          expect(volume.emptyDir, '/tmp is an emptyDir').to.be.an('object');
        });

        it("sleeps in preStop so it leaves the endpoints before SIGTERM, within a grace period that also covers the process's own shutdown bound", () => {
          const command: string[] = container().lifecycle?.preStop?.exec?.command ?? [];
          expect(command[0]).to.equal('sleep');
          const sleepSeconds = Number(command[1]);
          expect(sleepSeconds).to.be.at.least(5);
          const lifecycle = readFileSync(repoPath('services/platform/src/runtime/process-lifecycle.ts'), 'utf8');
          const match = /graceMs\s*=\s*([\d_]+)/.exec(lifecycle);
          expect(match, 'stopOnSignals grace in process-lifecycle.ts').to.not.equal(null);
          const processGraceSeconds = Number((match as RegExpExecArray)[1].replace(/_/g, '')) / 1000;
          expect(deployment().spec.template.spec.terminationGracePeriodSeconds).to.be.above(sleepSeconds + processGraceSeconds);
        });

        it('is selected by a headless Service (port grpc 50051), an autoscaling/v2 CPU autoscaler and a disruption budget of minAvailable 1', () => {
          const podLabels = deployment().spec.template.metadata.labels;
          const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);
          const service = find(kind, 'Service', context);
          expect(service.spec.clusterIP).to.equal('None');
          expect(selects(service.spec.selector), 'Service selector').to.equal(true);
          expect(service.spec.ports).to.deep.include({
            name: 'grpc',
            port: GRPC_PORT,
            targetPort: 'grpc',
            protocol: 'TCP',
            appProtocol: 'kubernetes.io/h2c',
          });
          const hpa = find(kind, 'HorizontalPodAutoscaler', context);
          expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', name: context });
          expect(hpa.spec.minReplicas).to.equal(2);
          expect(hpa.spec.maxReplicas).to.be.above(2);
          expect(hpa.spec.metrics.map((metric: { resource?: { name: string } }) => metric.resource?.name)).to.include('cpu');
          const pdb = find(kind, 'PodDisruptionBudget', context);
          expect(pdb.spec.minAvailable).to.equal(1);
          expect(selects(pdb.spec.selector.matchLabels), 'PodDisruptionBudget selector').to.equal(true);
        });

        it(`starts services/${context}/src/main.ts, compiled to main.js in the image, from the image make deploy builds`, () => {
          const c = container();
          expect(c.command).to.deep.equal(['node', '--enable-source-maps', `services/${context}/src/main.js`]);
          expect(isFile(repoPath('services', context, 'src', 'main.ts')), `services/${context}/src/main.ts`).to.equal(true);
          const { IMAGE, TAG } = makefileVariables();
          expect(c.image).to.equal(`${IMAGE}:${TAG}`);
        });

        it('gets every variable it needs in a cluster from its ConfigMap and Secret, and none its code does not read', () => {
          const c = container();
          expect(
            c.envFrom.map((from: Record<string, { name: string }>) => Object.values(from)[0].name.replace(/-[a-z0-9]{10}$/, '')),
          ).to.deep.equal([
            `${context}-config`,
            // The environment's issuer, shared by every pod (each overlay provides it).
            'auth-config',
            `${context}-secrets`,
          ]);
          const env = containerEnvironment(kind, c);
          const read = variablesReadBy(context);
          for (const alternatives of requiredVariables(context)) {
            expect(
              alternatives.some((name) => read.has(name)),
              `the code reads one of ${alternatives.join(' / ')}`,
            ).to.equal(true);
            expect(
              alternatives.some((name) => (env[name] ?? '') !== ''),
              `${alternatives.join(' or ')} is set`,
            ).to.equal(true);
          }
          for (const name of Object.keys(env))
            expect(read.has(name), `${name} is read by services/${context} or the platform`).to.equal(true);
        });
      });
    }
  });

  describe('the My Page web front end (Deployment web, behind Envoy)', () => {
    const deployment = () => find(kind, 'Deployment', WEB_APP);
    const container = () => deployment().spec.template.spec.containers[0];
    const httpPort = () => container().ports.find((port: { name: string }) => port.name === 'http');

    it('runs as a Deployment of 2 replicas that rolls out with maxUnavailable 0 and maxSurge 1, and is no service of the contract', () => {
      const spec = deployment().spec;
      expect(spec.replicas).to.equal(2);
      expect(spec.strategy).to.deep.equal({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      expect(appDeployments().map((candidate) => candidate.metadata.name)).to.not.include(WEB_APP);
    });

    it(`has httpGet startup, readiness and liveness probes on ${HEALTH_PATH} at its http port, the port its ConfigMap makes it listen on`, () => {
      const c = container();
      expect(httpPort(), 'container port http').to.deep.include({ protocol: 'TCP' });
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(c[probe]?.httpGet, probe).to.deep.equal({ path: HEALTH_PATH, port: 'http' });
        expect(c[probe].periodSeconds, `${probe} period`).to.be.a('number');
      }
      const env = containerEnvironment(kind, c);
      expect(env.WEB_PORT).to.equal(String(httpPort().containerPort));
    });

    it('has resource requests and limits and the hardened security context, with nothing writable: no volume at all under a read-only root', () => {
      const c = container();
      for (const kindOfResource of ['requests', 'limits']) {
        expect(c.resources?.[kindOfResource]?.cpu, `${kindOfResource}.cpu`).to.be.a('string');
        expect(c.resources?.[kindOfResource]?.memory, `${kindOfResource}.memory`).to.be.a('string');
      }
      expect(c.securityContext).to.deep.include({
        runAsNonRoot: true,
        runAsUser: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(deployment().spec.template.spec.securityContext).to.deep.equal(
        find(kind, 'Deployment', 'mission').spec.template.spec.securityContext,
      );
      expect(c.volumeMounts ?? [], 'volume mounts').to.deep.equal([]);
      expect(deployment().spec.template.spec.volumes ?? [], 'volumes').to.deep.equal([]);
      expect(
        c.envFrom.map((from: Record<string, unknown>) => Object.keys(from)[0]),
        'ConfigMaps (its own, auth-config), no Secret',
      ).to.deep.equal(['configMapRef', 'configMapRef']);
    });

    it("sleeps in preStop so it leaves the endpoints and Envoy's DNS before SIGTERM, within a grace period that also covers the process's own shutdown bound", () => {
      const command: string[] = container().lifecycle?.preStop?.exec?.command ?? [];
      expect(command[0]).to.equal('sleep');
      const sleepSeconds = Number(command[1]);
      expect(sleepSeconds).to.be.at.least(5);
      const lifecycle = readFileSync(repoPath('services/platform/src/runtime/process-lifecycle.ts'), 'utf8');
      const processGraceSeconds = Number((/graceMs\s*=\s*([\d_]+)/.exec(lifecycle) as RegExpExecArray)[1].replace(/_/g, '')) / 1000;
      expect(deployment().spec.template.spec.terminationGracePeriodSeconds).to.be.above(sleepSeconds + processGraceSeconds);
      expect(readFileSync(repoPath('services/web/server/main.ts'), 'utf8'), 'main.ts stops on signals').to.match(/stopOnSignals\(/);
    });

    it("is selected by a headless Service on its http port (Envoy's STRICT_DNS cluster web sees every pod), an autoscaling/v2 CPU autoscaler and a disruption budget of minAvailable 1", () => {
      const podLabels = deployment().spec.template.metadata.labels;
      const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);
      const service = find(kind, 'Service', WEB_APP);
      expect(service.spec.clusterIP).to.equal('None');
      expect(selects(service.spec.selector), 'Service selector').to.equal(true);
      expect(service.spec.ports).to.deep.include({
        name: 'http',
        port: httpPort().containerPort,
        targetPort: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
      });
      const hpa = find(kind, 'HorizontalPodAutoscaler', WEB_APP);
      expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', name: WEB_APP });
      expect(hpa.spec.minReplicas).to.equal(2);
      expect(hpa.spec.maxReplicas).to.be.above(2);
      expect(hpa.spec.metrics.map((metric: { resource?: { name: string } }) => metric.resource?.name)).to.include('cpu');
      const pdb = find(kind, 'PodDisruptionBudget', WEB_APP);
      expect(pdb.spec.minAvailable).to.equal(1);
      expect(selects(pdb.spec.selector.matchLabels), 'PodDisruptionBudget selector').to.equal(true);
    });

    it('starts services/web/server/main.ts, compiled to main.js in the image, from the image make deploy builds (untagged in the base)', () => {
      const c = container();
      expect(c.command).to.deep.equal(['node', '--enable-source-maps', 'services/web/server/main.js']);
      expect(isFile(repoPath('services/web/server/main.ts')), 'services/web/server/main.ts').to.equal(true);
      const { IMAGE, TAG } = makefileVariables();
      expect(c.image).to.equal(`${IMAGE}:${TAG}`);
      expect(find(base, 'Deployment', WEB_APP).spec.template.spec.containers[0].image).to.equal(IMAGE);
    });

    it('gets only variables its code reads from its ConfigMap, and make deploy restarts it like the services when it runs the same tag', () => {
      const env = containerEnvironment(kind, container());
      const read = variablesReadBy(WEB_APP, repoPath('services/web/server'));
      expect(read.has('WEB_PORT'), 'the web server reads WEB_PORT').to.equal(true);
      for (const name of Object.keys(env)) expect(read.has(name), `${name} is read by services/web/server or the platform`).to.equal(true);
      // deploy.sh restarts every Deployment that already runs the image it just loaded.
      const script = readFileSync(repoPath('scripts/deploy/deploy.sh'), 'utf8');
      const restartLoop = /for deployment in \$\(kc -n "\$NAMESPACE" get deployments([^)]*)\)/.exec(script);
      expect(restartLoop, 'the same-tag restart loop in deploy.sh').to.not.equal(null);
      // Every Deployment is looked at (the loop compares images), or its selector covers web's component.
      const selector = /-l\s+(\S+)/.exec(restartLoop![1]!)?.[1] ?? '';
      const component = String(deployment().metadata.labels?.['app.kubernetes.io/component']);
      expect(selector === '' || selector.includes(component), `the restart selector "${selector}" covers component ${component}`).to.equal(
        true,
      );
    });
  });

  describe('credentials and backing services', () => {
    const serviceNames = () => appDeployments().map((deployment) => deployment.metadata.name);

    it("each service's DATABASE_URL logs in as its own role to its own database, with the password the Postgres init script gives that role", () => {
      const postgres = find(kind, 'StatefulSet', 'postgres');
      const pgContainer = postgres.spec.template.spec.containers[0];
      const pgEnv = containerEnvironment(kind, pgContainer);
      expect(pgEnv.SERVICE_DATABASES.split(/\s+/).sort(), 'SERVICE_DATABASES').to.deep.equal(serviceNames().sort());
      for (const service of serviceNames()) {
        const env = containerEnvironment(kind, find(kind, 'Deployment', service).spec.template.spec.containers[0]);
        const url = new URL(env.DATABASE_URL);
        expect(url.protocol, service).to.equal('postgres:');
        expect(url.username, `${service} role`).to.equal(service);
        expect(url.pathname, `${service} database`).to.equal(`/${service}`);
        expect(`${url.hostname}:${url.port}`, `${service} host`).to.equal(`postgres.${NAMESPACE}.svc.cluster.local:5432`);
        expect(decodeURIComponent(url.password), `${service} password`).to.equal(pgEnv[`${service.toUpperCase()}_DB_PASSWORD`]);
      }
      const init = findGenerated(kind, 'ConfigMap', 'postgres-init');
      expect(Object.keys(init?.data ?? {})).to.deep.equal(['init-service-databases.sh']);
      const mount = pgContainer.volumeMounts.find(
        (candidate: { mountPath: string }) => candidate.mountPath === '/docker-entrypoint-initdb.d',
      );
      const volume = postgres.spec.template.spec.volumes.find((candidate: { name: string }) => candidate.name === mount.name);
      expect(volume.configMap.name).to.equal(init?.metadata.name);
    });

    it("each service's AMQP_URL uses the user and password RabbitMQ is created with", () => {
      const rabbitEnv = containerEnvironment(kind, find(kind, 'StatefulSet', 'rabbitmq').spec.template.spec.containers[0]);
      for (const service of serviceNames()) {
        const url = new URL(containerEnvironment(kind, find(kind, 'Deployment', service).spec.template.spec.containers[0]).AMQP_URL);
        expect(url.protocol, service).to.equal('amqp:');
        expect(`${url.hostname}:${url.port}`, `${service} host`).to.equal(`rabbitmq.${NAMESPACE}.svc.cluster.local:5672`);
        expect(decodeURIComponent(url.username), `${service} user`).to.equal(rabbitEnv.RABBITMQ_DEFAULT_USER);
        expect(decodeURIComponent(url.password), `${service} password`).to.equal(rabbitEnv.RABBITMQ_DEFAULT_PASS);
      }
    });

    it('Postgres max_connections covers every service at its autoscaling maximum (maxReplicas x DATABASE_POOL_SIZE, plus superuser slots)', () => {
      const args: string[] = find(kind, 'StatefulSet', 'postgres').spec.template.spec.containers[0].args;
      const setting = args.find((arg) => arg.startsWith('max_connections='));
      expect(setting, 'max_connections in the Postgres args').to.not.equal(undefined);
      const maxConnections = Number((setting as string).split('=')[1]);
      let needed = 3; // superuser_reserved_connections
      for (const service of serviceNames()) {
        const env = containerEnvironment(kind, find(kind, 'Deployment', service).spec.template.spec.containers[0]);
        needed += find(kind, 'HorizontalPodAutoscaler', service).spec.maxReplicas * Number(env.DATABASE_POOL_SIZE ?? 10);
      }
      expect(maxConnections).to.be.at.least(needed);
    });

    it('Postgres and RabbitMQ are StatefulSets with a volume claim and exec probes (pg_isready, rabbitmq-diagnostics), governed by Services postgres:5432 and rabbitmq:5672', () => {
      for (const [name, port, tool] of [
        ['postgres', 5432, 'pg_isready'],
        ['rabbitmq', 5672, 'rabbitmq-diagnostics'],
      ] as const) {
        const statefulSet = find(kind, 'StatefulSet', name);
        expect(statefulSet.spec.serviceName).to.equal(name);
        expect(statefulSet.spec.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage, `${name} volume claim`).to.be.a('string');
        const c = statefulSet.spec.template.spec.containers[0];
        expect(c.image, `${name} image`).to.match(new RegExp(`^${name}:\\d+\\.\\d+(\\.\\d+)?(-[\\w.]+)?$`));
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
          expect(c[probe]?.exec?.command?.join(' '), `${name} ${probe}`).to.include(tool);
        const mounted = c.volumeMounts.map((mount: { name: string }) => mount.name);
        expect(mounted, `${name} mounts its claim`).to.include(statefulSet.spec.volumeClaimTemplates[0].metadata.name);
        const service = find(kind, 'Service', name);
        expect(service.spec.ports.map((p: { port: number }) => p.port)).to.deep.equal([port]);
        expect(
          Object.entries(service.spec.selector).every(([key, value]) => statefulSet.spec.template.metadata.labels[key] === value),
        ).to.equal(true);
      }
    });
  });

  describe('Envoy', () => {
    const envoyDeployment = () => find(kind, 'Deployment', 'envoy');
    const envoyContainer = () => envoyDeployment().spec.template.spec.containers[0];

    it('mounts envoy.yaml and the descriptor set at /etc/envoy, the paths its command and its config read', () => {
      const c = envoyContainer();
      const args: string[] = c.args;
      expect(args[args.indexOf('--config-path') + 1]).to.equal('/etc/envoy/envoy.yaml');
      const mount = c.volumeMounts.find((candidate: { mountPath: string }) => candidate.mountPath === '/etc/envoy');
      const volume = envoyDeployment().spec.template.spec.volumes.find((candidate: { name: string }) => candidate.name === mount.name);
      const files = new Map<string, Manifest | undefined>();
      for (const source of volume.projected.sources) {
        const configMap = kind.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === source.configMap.name);
        for (const item of source.configMap.items) {
          files.set(`/etc/envoy/${item.path}`, configMap);
          expect({ ...configMap?.data, ...configMap?.binaryData }, `${item.key} in ${source.configMap.name}`).to.have.property(item.key);
        }
      }
      expect([...files.keys()].sort()).to.deep.equal(['/etc/envoy/descriptor-set.binpb', '/etc/envoy/envoy.yaml']);
      expect(files.get('/etc/envoy/envoy.yaml')?.data?.['envoy.yaml']).to.equal(readFileSync(repoPath('envoy/envoy.yaml'), 'utf8'));
      const descriptors = collect(envoyConfig(), 'proto_descriptor') as string[];
      expect(descriptors, 'proto_descriptor in envoy.yaml').to.not.be.empty;
      for (const path of descriptors) expect([...files.keys()], "the transcoder's proto_descriptor is mounted").to.include(path);
    });

    it('envoy.yaml has a cluster for every deployed service pointing at <service>.game.svc.cluster.local:50051', () => {
      const endpoints = [...envoyClusterEndpoints(envoyConfig()).values()].flat();
      for (const deployment of appDeployments()) {
        const service = deployment.metadata.name;
        expect(endpoints, `a cluster for ${service}`).to.deep.include({
          address: `${service}.${NAMESPACE}.svc.cluster.local`,
          port: GRPC_PORT,
        });
      }
    });

    it("envoy.yaml's cluster web points at the web front end's headless Service on the port its pods listen on", () => {
      const web = find(kind, 'Deployment', WEB_APP).spec.template.spec.containers[0];
      const port = web.ports.find((candidate: { name: string }) => candidate.name === 'http').containerPort;
      expect(envoyClusterEndpoints(envoyConfig()).get(WEB_APP)).to.deep.equal([
        { address: `${WEB_APP}.${NAMESPACE}.svc.cluster.local`, port },
      ]);
      expect(find(kind, 'Service', WEB_APP).spec.clusterIP, 'headless, for STRICT_DNS').to.equal('None');
    });

    it('envoy.yaml listens on 8080 (edge) and 9090 (mesh), the ports the container and Service envoy expose, and WALLET_GIFT_ADDRESS is the mesh through Service envoy', () => {
      const listening = envoyListeners(envoyConfig()).map((listener) => listener.address?.port);
      const containerPorts = envoyContainer().ports.map((port: { containerPort: number }) => port.containerPort);
      const service = find(kind, 'Service', 'envoy');
      for (const port of [8080, 9090]) {
        expect(listening, `a listener on ${port}`).to.include(port);
        expect(containerPorts, `container port ${port}`).to.include(port);
        expect(
          service.spec.ports.map((p: { port: number }) => p.port),
          `Service envoy port ${port}`,
        ).to.include(port);
      }
      const wallet = containerEnvironment(kind, find(kind, 'Deployment', 'wallet').spec.template.spec.containers[0]);
      expect(wallet.WALLET_GIFT_ADDRESS).to.equal(`envoy.${NAMESPACE}.svc.cluster.local:9090`);
    });

    it('the admin interface listens on 127.0.0.1 only, and its port is in no Service and no container port', () => {
      const admin = envoyAdminAddress(envoyConfig());
      expect(admin?.address, 'admin address').to.equal('127.0.0.1');
      const adminPort = admin?.port as number;
      for (const service of kind.filter((manifest) => manifest.kind === 'Service')) {
        for (const port of service.spec.ports) {
          expect(port.port, `Service ${service.metadata.name}`).to.not.equal(adminPort);
          expect(port.targetPort, `Service ${service.metadata.name}`).to.not.equal(adminPort);
          expect(port.nodePort, `Service ${service.metadata.name}`).to.not.equal(adminPort);
        }
      }
      expect(envoyContainer().ports.map((port: { containerPort: number }) => port.containerPort)).to.not.include(adminPort);
    });

    it("the readiness probe's listener forwards only GET /ready to the admin interface (the admin itself stays on loopback)", () => {
      const c = envoyContainer();
      const probePort = c.ports.find((port: { name: string }) => port.name === c.readinessProbe.httpGet.port)?.containerPort;
      expect(c.readinessProbe.httpGet.path).to.equal('/ready');
      expect(readinessListenerProblems(envoyConfig(), probePort)).to.deep.equal([]);
      expect(find(kind, 'Service', 'envoy').spec.ports.map((port: { port: number }) => port.port)).to.not.include(probePort);
    });

    it('the descriptor-set ConfigMap fits the 1 MiB ConfigMap limit', () => {
      const descriptor = findGenerated(kind, 'ConfigMap', 'envoy-descriptor');
      expect(JSON.stringify(descriptor).length).to.be.below(1024 * 1024);
    });
  });

  describe('kind overlay', () => {
    it("exposes Envoy's port 8080 as NodePort 30080, which k8s/kind-cluster.yaml maps to localhost:8080", () => {
      const edge = kind.find((manifest) => manifest.kind === 'Service' && manifest.spec?.type === 'NodePort');
      expect(edge, 'a NodePort Service').to.not.equal(undefined);
      const envoy = find(kind, 'Deployment', 'envoy');
      expect(
        Object.entries(edge?.spec.selector).every(([key, value]) => envoy.spec.template.metadata.labels[key] === value),
        'selects the Envoy pods',
      ).to.equal(true);
      expect(edge?.spec.ports).to.have.length(1);
      const port = edge?.spec.ports?.[0];
      expect(port?.nodePort).to.equal(30080);
      const target = envoy.spec.template.spec.containers[0].ports.find((candidate: { name: string }) => candidate.name === port.targetPort);
      expect(target?.containerPort).to.equal(8080);
      const cluster = parseYaml(readFileSync(repoPath('k8s/kind-cluster.yaml'), 'utf8'));
      expect(cluster.apiVersion).to.equal('kind.x-k8s.io/v1alpha4');
      const mappings = cluster.nodes.flatMap((node: { extraPortMappings?: unknown[] }) => node.extraPortMappings ?? []);
      expect(mappings).to.deep.include({ containerPort: 30080, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' });
      expect(find(kind, 'Service', 'envoy').spec.type).to.equal('ClusterIP');
    });

    it('runs the IMAGE:TAG the Makefile builds, while the base leaves the app image untagged for overlays to pin', () => {
      const { IMAGE, TAG } = makefileVariables();
      expect(IMAGE, 'IMAGE in the Makefile').to.be.a('string').and.not.equal('');
      expect(TAG, 'TAG in the Makefile').to.be.a('string').and.not.equal('');
      for (const deployment of appDeployments()) {
        expect(deployment.spec.template.spec.containers[0].image, deployment.metadata.name).to.equal(`${IMAGE}:${TAG}`);
        expect(find(base, 'Deployment', deployment.metadata.name).spec.template.spec.containers[0].image).to.equal(IMAGE);
      }
    });

    it('the kind cluster is the one the Makefile names (KIND_CLUSTER)', () => {
      const cluster = parseYaml(readFileSync(repoPath('k8s/kind-cluster.yaml'), 'utf8'));
      expect(cluster.name).to.equal(makefileVariables().KIND_CLUSTER);
    });
  });

  it('the base provides no Secrets (each environment brings its own), and the kind overlay provides every Secret a pod needs', () => {
    expect(base.filter((manifest) => manifest.kind === 'Secret')).to.deep.equal([]);
    for (const name of [
      'postgres-secrets',
      'rabbitmq-secrets',
      ...appDeployments().map((deployment) => `${deployment.metadata.name}-secrets`),
    ]) {
      expect(Object.keys(valuesOf(findGenerated(kind, 'Secret', name))), name).to.not.be.empty;
    }
  });
});
