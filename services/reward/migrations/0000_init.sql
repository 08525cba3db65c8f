-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "reward";
--> statement-breakpoint
CREATE TYPE "reward"."reward_status" AS ENUM('issued', 'exchanged');--> statement-breakpoint
CREATE TABLE "reward"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward"."outbox_events" (
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
CREATE TABLE "reward"."rewards" (
	"seq" bigserial NOT NULL,
	"id" uuid PRIMARY KEY NOT NULL,
	"mission_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"status" "reward"."reward_status" NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"order_id" uuid
);
--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "reward"."outbox_events" USING btree ("seq") WHERE published_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_mission_key" ON "reward"."rewards" USING btree ("mission_id");--> statement-breakpoint
CREATE INDEX "rewards_customer_seq_idx" ON "reward"."rewards" USING btree ("customer_id","seq");