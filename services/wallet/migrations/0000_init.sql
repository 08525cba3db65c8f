-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "wallet";
--> statement-breakpoint
CREATE TYPE "wallet"."exchange_status" AS ENUM('pending', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "wallet"."wallet_reward_status" AS ENUM('available', 'held', 'spent');--> statement-breakpoint
CREATE TABLE "wallet"."exchanges" (
	"customer_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"reward_id" uuid NOT NULL,
	"gift_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"status" "wallet"."exchange_status" NOT NULL,
	"failure_reason" text,
	"requested_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exchanges_customer_id_idempotency_key_pk" PRIMARY KEY("customer_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "wallet"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet"."outbox_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"routing_key" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"payload" "bytea" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "wallet"."wallet_rewards" (
	"seq" bigserial NOT NULL,
	"reward_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"mission_id" uuid NOT NULL,
	"status" "wallet"."wallet_reward_status" NOT NULL,
	"order_id" uuid,
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "exchanges_order_key" ON "wallet"."exchanges" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "exchanges_status_updated_idx" ON "wallet"."exchanges" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "wallet"."outbox_events" USING btree ("seq") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "wallet_rewards_customer_seq_idx" ON "wallet"."wallet_rewards" USING btree ("customer_id","seq");