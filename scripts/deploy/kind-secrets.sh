#!/usr/bin/env bash
# The kind overlay's Secrets, made on the machine that deploys and never committed: writes the env
# files k8s/overlays/kind/kustomization.yaml's secretGenerator reads (gitignored) into DIR
# (default k8s/overlays/kind/secrets). Every password and client secret is random
# (openssl rand); one already written is kept, so a second `make deploy` leaves Postgres's and
# RabbitMQ's users, which their volumes remember, as they are. The files are rewritten from the
# values each run, so a service added since gets its file and its database password.
#
#   postgres.env          the superuser and one password per service role (init-service-databases.sh)
#   rabbitmq.env          the broker's user
#   <service>.env         DATABASE_URL and AMQP_URL with those passwords; wallet.env also the
#                         wallet's client secret (ReserveGift)
#   identity.env          the development provider's service clients (wallet, platform-admin)
#   mypage-rebuild.env    the My Page rebuild job's client secret (platform-admin)
#   grafana.env           Grafana's admin password (the kind overlay's monitoring)
#
# Prints the names of the values it made (none when everything existed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DIR="${1:-k8s/overlays/kind/secrets}"
NAMESPACE="${NAMESPACE:-game}"
SERVICES=(mission reward wallet gift delivery mypage notification)
mkdir -p "$DIR"
chmod 700 "$DIR"

# KEY from an env file written before, if any.
existing() {
  local file="$DIR/$1" key="$2"
  [[ -f "$file" ]] || return 0
  sed -n "s/^${key}=//p" "$file" | head -n 1
}

made=()
# Sets VAR to KEY's value in FILE, or to a new random one (48 hex digits: URL-safe, fine in a DSN).
value() {
  local current
  current="$(existing "$2" "$3")"
  if [[ -z "$current" ]]; then
    current="$(openssl rand -hex 24)"
    made+=("$3")
  fi
  printf -v "$1" '%s' "$current"
}

value postgres_password postgres.env POSTGRES_PASSWORD
declare -A db_password
for service in "${SERVICES[@]}"; do
  value password postgres.env "${service^^}_DB_PASSWORD"
  db_password[$service]="$password"
done
value rabbitmq_password rabbitmq.env RABBITMQ_DEFAULT_PASS
value wallet_client_secret identity.env IDENTITY_WALLET_CLIENT_SECRET
value platform_admin_client_secret identity.env IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET
value grafana_admin_password grafana.env GF_SECURITY_ADMIN_PASSWORD

# Written whole and then moved, so a half-written file never stands.
write() {
  local file="$DIR/$1"
  shift
  (umask 077 && printf '%s\n' "$@" >"$file.tmp")
  mv "$file.tmp" "$file"
}

postgres_lines=(POSTGRES_USER=postgres "POSTGRES_PASSWORD=$postgres_password")
for service in "${SERVICES[@]}"; do postgres_lines+=("${service^^}_DB_PASSWORD=${db_password[$service]}"); done
write postgres.env "${postgres_lines[@]}"
write rabbitmq.env RABBITMQ_DEFAULT_USER=game "RABBITMQ_DEFAULT_PASS=$rabbitmq_password"
for service in "${SERVICES[@]}"; do
  lines=(
    "DATABASE_URL=postgres://$service:${db_password[$service]}@postgres.$NAMESPACE.svc.cluster.local:5432/$service"
    "AMQP_URL=amqp://game:$rabbitmq_password@rabbitmq.$NAMESPACE.svc.cluster.local:5672"
  )
  # The wallet's service credentials (client credentials, scope service) for ReserveGift.
  [[ "$service" == wallet ]] && lines+=("WALLET_AUTH_CLIENT_SECRET=$wallet_client_secret")
  write "$service.env" "${lines[@]}"
done
write identity.env "IDENTITY_WALLET_CLIENT_SECRET=$wallet_client_secret" \
  "IDENTITY_PLATFORM_ADMIN_CLIENT_SECRET=$platform_admin_client_secret"
write mypage-rebuild.env "REBUILD_CLIENT_SECRET=$platform_admin_client_secret"
write grafana.env "GF_SECURITY_ADMIN_PASSWORD=$grafana_admin_password"

[[ ${#made[@]} -eq 0 ]] || printf '%s\n' "${made[@]}"
