# syntax=docker/dockerfile:1
# One image for every service of the platform; the container's command picks the service:
#   node --enable-source-maps services/<service>/src/main.js
# (the Kubernetes Deployments set it; without one, the launcher runs every service in one process).
#
# Stages:
#   deps       npm ci with dev dependencies; its `prepare` script generates the TypeScript and the
#              descriptor set from proto/ (buf and ts-proto come from npm)
#   build      transpiles services/ (and the scripts Jobs run) to JavaScript at the same paths
#              (scripts/deploy/build-runtime.ts)
#   prod-deps  production dependencies only, no install scripts
#   runtime    node slim + prod node_modules + the compiled tree, uid 10001, nothing written outside /tmp
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
# npm ci's postinstall applies these fixes to installed packages (patch-package).
COPY patches ./patches
COPY proto ./proto
# `npm run gen` also writes envoy/descriptor-set.binpb; envoy/ itself is not in the build context.
RUN mkdir -p envoy
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS build
COPY tsconfig.json ./
COPY services ./services
COPY scripts/deploy ./scripts/deploy
# Run by the My Page rebuild Job (k8s/base/jobs/mypage-rebuild.yaml); build-runtime.ts compiles it.
COPY scripts/rebuild-mypage.ts ./scripts/rebuild-mypage.ts
# The My Page web front end (served through Envoy by the web deployment).
RUN npm run build:web
RUN node --import tsx scripts/deploy/build-runtime.ts /runtime

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
# Without scripts patch-package did not run here: take the packages as patched in the deps stage
# (patches/postgres+3.4.9.patch: a closed connection must not crash the process;
# patches/@grpc+grpc-js+1.14.7.patch: a call need not capture its caller's stack).
COPY --from=deps /app/node_modules/postgres ./node_modules/postgres
COPY --from=deps /app/node_modules/@grpc/grpc-js ./node_modules/@grpc/grpc-js

FROM ${NODE_IMAGE} AS runtime
# npm and corepack are not needed to run and only widen the attack surface.
RUN groupadd --gid 10001 app \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /app
ENV NODE_ENV=production TMPDIR=/tmp
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /runtime/ ./
USER 10001:10001
EXPOSE 50051
CMD ["node", "--enable-source-maps", "services/launcher/src/main.js"]
