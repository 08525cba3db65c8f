#!/usr/bin/env bash
# Fails with a clear message unless every tool named on the command line is installed (and, for
# docker, its engine answers).
set -euo pipefail
missing=0
for tool in "$@"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in
      docker) hint="https://docs.docker.com/get-docker/" ;;
      kind) hint="https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
      kubectl) hint="https://kubernetes.io/docs/tasks/tools/" ;;
      *) hint="" ;;
    esac
    echo "error: '$tool' is not installed or not on PATH. ${hint:+Install it: $hint}" >&2
    missing=1
  fi
done
if [[ $missing -eq 0 ]] && [[ " $* " == *" docker "* ]] && ! docker info >/dev/null 2>&1; then
  echo "error: docker is installed but its engine does not answer (is Docker running? can this user reach it?)" >&2
  missing=1
fi
exit "$missing"
