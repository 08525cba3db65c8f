#!/usr/bin/env bash
# `make deploy`: the whole platform on a local kind cluster, reachable at http://localhost:8080.
#   IMAGE, TAG      the image to build and run (the Makefile's; k8s/overlays/kind names the same)
#   KIND_CLUSTER    the kind cluster (created from k8s/kind-cluster.yaml if missing)
#   NAMESPACE       where the platform runs (the manifests say `game`)
#   METRICS_SERVER  'true' (default) installs metrics-server so the HorizontalPodAutoscalers get
#                   CPU metrics (kind has none); it is downloaded from METRICS_SERVER_URL
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${IMAGE:?}" "${TAG:?}" "${KIND_CLUSTER:?}" "${NAMESPACE:?}"
METRICS_SERVER="${METRICS_SERVER:-true}"
METRICS_SERVER_URL="${METRICS_SERVER_URL:-https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml}"
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300s}"

scripts/deploy/require-tools.sh docker kind kubectl node npm openssl
scripts/deploy/kind-cluster.sh
kc() { kubectl --context "kind-$KIND_CLUSTER" "$@"; }

echo "==> building $IMAGE:$TAG"
docker build -t "$IMAGE:$TAG" .
kind load docker-image "$IMAGE:$TAG" --name "$KIND_CLUSTER"

echo "==> staging the Envoy config and descriptor set"
[[ -d node_modules ]] || npm ci
scripts/deploy/stage-envoy-files.sh

if [[ "$METRICS_SERVER" == "true" ]]; then
  echo "==> metrics-server (CPU metrics for the autoscalers)"
  kc apply -f "$METRICS_SERVER_URL"
  # kind's kubelets serve self-signed certificates.
  if ! kc -n kube-system get deployment metrics-server -o jsonpath='{.spec.template.spec.containers[0].args}' | grep -q -- --kubelet-insecure-tls; then
    kc -n kube-system patch deployment metrics-server --type=json \
      -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'
  fi
fi

# Deployments already running this very tag (the services and the web front end): applying the
# same manifests would not replace their pods, so they are restarted below to pick up the image just
# loaded (a rolling, zero-downtime update).
same_tag=()
for deployment in $(kc -n "$NAMESPACE" get deployments -o name 2>/dev/null || true); do
  if [[ "$(kc -n "$NAMESPACE" get "$deployment" -o jsonpath='{.spec.template.spec.containers[0].image}')" == "$IMAGE:$TAG" ]]; then
    same_tag+=("$deployment")
  fi
done

echo "==> credentials (random, kept in k8s/overlays/kind/secrets/, never committed)"
# A Postgres or RabbitMQ volume remembers the passwords it was first started with: new ones for a
# cluster that already has them would lock every service out.
if [[ ! -f k8s/overlays/kind/secrets/postgres.env ]] && kc -n "$NAMESPACE" get statefulset postgres >/dev/null 2>&1; then
  echo "error: k8s/overlays/kind/secrets/ is gone but the cluster still runs with the passwords it held;" >&2
  echo "       restore that directory, or start over with 'make undeploy' first" >&2
  exit 1
fi
made="$(NAMESPACE="$NAMESPACE" scripts/deploy/kind-secrets.sh)"
[[ -z "$made" ]] || echo "    made: $(echo "$made" | tr '\n' ' ')"

echo "==> applying k8s/overlays/kind with $IMAGE:$TAG"
# A throwaway overlay on top of the kind one, so TAG=... on the command line is what runs.
mkdir -p k8s/.deploy
cat > k8s/.deploy/kustomization.yaml <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../overlays/kind
images:
  - name: game-event-rewards
    newName: $IMAGE
    newTag: "$TAG"
YAML
kc apply -k k8s/.deploy

echo "==> waiting for Postgres and RabbitMQ"
kc -n "$NAMESPACE" rollout status statefulset/postgres --timeout="$ROLLOUT_TIMEOUT"
kc -n "$NAMESPACE" rollout status statefulset/rabbitmq --timeout="$ROLLOUT_TIMEOUT"
# The image runs the script on a fresh volume only; again here so a service added since gets its
# role and database (the script is idempotent).
kc -n "$NAMESPACE" exec statefulset/postgres -c postgres -- bash /docker-entrypoint-initdb.d/init-service-databases.sh

if [[ ${#same_tag[@]} -gt 0 ]]; then
  kc -n "$NAMESPACE" rollout restart "${same_tag[@]}"
fi

echo "==> waiting for every rollout"
for workload in $(kc -n "$NAMESPACE" get deployments,statefulsets -o name); do
  kc -n "$NAMESPACE" rollout status "$workload" --timeout="$ROLLOUT_TIMEOUT"
done

echo
echo "The platform is up: http://localhost:8080  (My Page at /, REST under /v1/ through Envoy; gRPC on the same port)"
if ! grep -qE '^[[:space:]]*127\.0\.0\.1[[:space:]].*identity\.game\.svc\.cluster\.local' /etc/hosts 2>/dev/null; then
  echo "  To sign in on My Page, let the browser reach the development identity provider (issuer"
  echo "  http://identity.game.svc.cluster.local:8090, on localhost:8090 through kind) once:"
  echo "    echo '127.0.0.1 identity.game.svc.cluster.local' | sudo tee -a /etc/hosts"
fi
echo "  Prometheus    kubectl -n $NAMESPACE port-forward deploy/prometheus 9090  (alerts at /alerts)"
echo "  Grafana       kubectl -n $NAMESPACE port-forward deploy/grafana 3000     (folder Game: the reward chain)"
echo "  make status    pods, services, autoscalers"
echo "  make logs SERVICE=wallet"
