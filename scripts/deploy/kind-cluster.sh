#!/usr/bin/env bash
# Creates the kind cluster from k8s/kind-cluster.yaml unless it exists. KIND_CLUSTER names it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${KIND_CLUSTER:?KIND_CLUSTER is not set}"
scripts/deploy/require-tools.sh docker kind
if kind get clusters 2>/dev/null | grep -qx "$KIND_CLUSTER"; then
  echo "kind cluster '$KIND_CLUSTER' exists"
else
  kind create cluster --name "$KIND_CLUSTER" --config k8s/kind-cluster.yaml --wait 120s
fi
