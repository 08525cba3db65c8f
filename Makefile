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

up: ## Every service as its own processes (REPLICAS=2 each) on the local Postgres and RabbitMQ
	npx tsx services/launcher/src/local-cluster.ts up

down: ## Stop what `make up` started (SIGTERM: each process drains and exits)
	npx tsx services/launcher/src/local-cluster.ts down

ps: ## Health of every process `make up` started
	npx tsx services/launcher/src/local-cluster.ts ps
