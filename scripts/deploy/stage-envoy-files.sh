#!/usr/bin/env bash
# Produces envoy/descriptor-set.binpb (`npm run gen:envoy`) and copies it and envoy/envoy.yaml
# into k8s/base/generated/, where the base kustomization's configMapGenerator reads them
# (kustomize loads files only from inside the kustomization's directory; generated/ is ignored
# by git).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

mkdir -p envoy
npm run -s gen:envoy

for file in envoy/envoy.yaml envoy/descriptor-set.binpb; do
  if [[ ! -f "$file" ]]; then
    echo "stage-envoy-files: $file is missing" >&2
    exit 1
  fi
done
mkdir -p k8s/base/generated
cp envoy/envoy.yaml envoy/descriptor-set.binpb k8s/base/generated/
echo "staged envoy.yaml and descriptor-set.binpb in k8s/base/generated/"
