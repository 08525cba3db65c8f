#!/usr/bin/env bash
# One login role and one database per service, the database owned by its role: a service can
# reach its own data and nothing else (migrations create the service's schema inside it).
#
# Idempotent. The postgres image runs it once, on a fresh volume (/docker-entrypoint-initdb.d);
# `make deploy` runs it again on every deploy (kubectl exec), so a service added later gets its
# database and a changed password is applied.
#
#   SERVICE_DATABASES    space-separated names; role = database = service name
#   <NAME>_DB_PASSWORD   each role's password (from the Secret postgres-secrets)
#   POSTGRES_USER        the superuser that runs this (psql over the local socket, or PGHOST)
set -euo pipefail
: "${SERVICE_DATABASES:?SERVICE_DATABASES is not set}"

for name in $SERVICE_DATABASES; do
  if [[ ! "$name" =~ ^[a-z][a-z0-9_]*$ ]]; then
    echo "init-service-databases: bad database name '$name'" >&2
    exit 1
  fi
  password_var="${name^^}_DB_PASSWORD"
  password="${!password_var:-}"
  if [[ -z "$password" ]]; then
    echo "init-service-databases: $password_var is not set" >&2
    exit 1
  fi
  # psql variables (:'name', :'password') are quoted by psql and format(%I, %L) by the server:
  # no value is ever spliced into SQL text by the shell.
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set=name="$name" --set=password="$password" <<'SQL'
SELECT format('CREATE ROLE %I', :'name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name')
\gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'name', :'password')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name')
\gexec
SQL
  echo "init-service-databases: role and database '$name' ready"
done
