-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "wallet";
--> statement-breakpoint
CREATE TYPE "wallet"."wallet_reward_status" AS ENUM('available', 'spent');--> statement-breakpoint
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
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "wallet"."outbox_events" USING btree ("seq") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "wallet_rewards_customer_seq_idx" ON "wallet"."wallet_rewards" USING btree ("customer_id","seq");