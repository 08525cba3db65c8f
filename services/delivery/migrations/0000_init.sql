-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "delivery";
--> statement-breakpoint
CREATE TYPE "delivery"."delivery_status" AS ENUM('started', 'delivered', 'cancelled');--> statement-breakpoint
CREATE TABLE "delivery"."deliveries" (
	"seq" bigserial NOT NULL,
	"delivery_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"gift_id" text NOT NULL,
	"status" "delivery"."delivery_status" NOT NULL,
	"started_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery"."outbox_events" (
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
CREATE UNIQUE INDEX "deliveries_order_key" ON "delivery"."deliveries" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "delivery"."outbox_events" USING btree ("seq") WHERE published_at is null;