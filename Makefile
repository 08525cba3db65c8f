# Game Event Rewards: day-to-day commands. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help install gen typecheck lint-proto build test start bench up down ps

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

install: ## Install dependencies (also generates code from proto/)
	npm ci

gen: ## Generate TypeScript and the descriptor set from proto/ (ts-proto through buf)
	npm run gen

typecheck: ## Type-check everything (tsc, no emit)
	npm run typecheck

lint-proto: ## Lint the protobuf contract with buf
	npm run lint:proto

build: gen typecheck lint-proto ## Generate, type-check and lint: what a change must pass before tests

test: ## Run the whole test suite against the local Postgres and RabbitMQ
	npm test

start: ## Run the whole platform in one process (embedded defaults without DATABASE_URL / AMQP_URL)
	npm start

bench: ## Benchmark the reward chain (see README, "Benchmark")
	npm run bench

# `make up` runs compiled JavaScript, the tree the container image runs (scripts/deploy/
# build-runtime.ts), rebuilt first whenever a file under services/ (or the build's own inputs) is
# newer than the last build: nothing is transpiled as each of its processes starts.
RUNTIME_DIR := dist/runtime
LOCAL_CLUSTER := node --enable-source-maps --max-semi-space-size=2 $(RUNTIME_DIR)/services/launcher/src/local-cluster.js

.PHONY: runtime
runtime: ## Build the compiled tree into dist/runtime if a source is newer (make up and npm start run it)
	@node --import tsx scripts/deploy/build-runtime.ts $(RUNTIME_DIR) --if-stale

up: runtime ## Every service as its own processes (REPLICAS=2 each) on the local Postgres and RabbitMQ
	$(LOCAL_CLUSTER) up

down: runtime ## Stop what `make up` started (SIGTERM: each process drains and exits)
	$(LOCAL_CLUSTER) down

ps: runtime ## Health of every process `make up` started
	$(LOCAL_CLUSTER) ps

# ---- Deploy: containers and a local kind cluster (needs docker, kind and kubectl) -------------
# k8s/overlays/kind runs $(IMAGE):$(TAG) as written below; `make deploy TAG=x` builds and runs x.
IMAGE ?= game-event-rewards
TAG ?= dev
KIND_CLUSTER ?= game-event-rewards
NAMESPACE := game
SERVICE ?=
export IMAGE TAG KIND_CLUSTER NAMESPACE

.PHONY: image kind-cluster deploy undeploy status logs mypage-rebuild

image: ## Build the container image IMAGE:TAG (default game-event-rewards:dev; one image, every service)
	@scripts/deploy/require-tools.sh docker
	docker build -t $(IMAGE):$(TAG) .

kind-cluster: ## Create the kind cluster from k8s/kind-cluster.yaml unless it exists
	@scripts/deploy/kind-cluster.sh

deploy: ## Build the image, load it into kind, roll out everything (k8s/overlays/kind); serves http://localhost:8080
	@scripts/deploy/deploy.sh

undeploy: ## Delete the kind cluster (and with it every deployed resource and volume)
	@scripts/deploy/require-tools.sh kind
	kind delete cluster --name $(KIND_CLUSTER)

status: ## Pods, services and autoscalers in namespace game
	@scripts/deploy/require-tools.sh kubectl
	kubectl --context kind-$(KIND_CLUSTER) -n $(NAMESPACE) get pods,services,hpa -o wide

logs: ## Follow one service's logs, every pod: make logs SERVICE=wallet
	@scripts/deploy/require-tools.sh kubectl
	@if [ -z "$(SERVICE)" ]; then echo "usage: make logs SERVICE=<$$(npx tsx scripts/list-services.ts --separator '|' --extra web --extra envoy)>" >&2; exit 2; fi
	kubectl --context kind-$(KIND_CLUSTER) -n $(NAMESPACE) logs -f --prefix --max-log-requests 10 -l app.kubernetes.io/name=$(SERVICE) --all-containers

mypage-rebuild: ## Rebuild My Page from the events in the kind cluster (a Job from cronjob/mypage-rebuild; docs/operations.md)
	@scripts/deploy/require-tools.sh kubectl
	@job=mypage-rebuild-$$(date +%s); \
	kubectl --context kind-$(KIND_CLUSTER) -n $(NAMESPACE) create job --from=cronjob/mypage-rebuild $$job && \
	kubectl --context kind-$(KIND_CLUSTER) -n $(NAMESPACE) wait --for=condition=complete --timeout=1800s job/$$job; \
	status=$$?; kubectl --context kind-$(KIND_CLUSTER) -n $(NAMESPACE) logs job/$$job --tail=20; exit $$status
