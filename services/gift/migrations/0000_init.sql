-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "gift";
--> statement-breakpoint
CREATE TYPE "gift"."gift_order_status" AS ENUM('reserved', 'paid', 'shipping', 'delivered', 'cancelled', 'released');--> statement-breakpoint
CREATE TYPE "gift"."gift_stock_state" AS ENUM('reserved', 'deducted', 'released', 'restocked');--> statement-breakpoint
CREATE TABLE "gift"."gift_orders" (
	"seq" bigserial NOT NULL,
	"order_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"gift_id" text NOT NULL,
	"gift_name" text NOT NULL,
	"reward_id" uuid NOT NULL,
	"status" "gift"."gift_order_status" NOT NULL,
	"stock_state" "gift"."gift_stock_state" NOT NULL,
	"delivery_id" uuid,
	"reserved_until" timestamp with time zone NOT NULL,
	"rejected_at" timestamp with time zone,
	"placed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gift"."gifts" (
	"seq" bigserial NOT NULL,
	"gift_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"stock_count" integer NOT NULL,
	"reserved_count" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gifts_stock_count_check" CHECK ("gift"."gifts"."stock_count" >= 0),
	CONSTRAINT "gifts_reserved_count_check" CHECK ("gift"."gifts"."reserved_count" >= 0),
	CONSTRAINT "gifts_reserved_within_stock_check" CHECK ("gift"."gifts"."reserved_count" <= "gift"."gifts"."stock_count")
);
--> statement-breakpoint
CREATE TABLE "gift"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gift"."outbox_events" (
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
CREATE INDEX "gift_orders_customer_seq_idx" ON "gift"."gift_orders" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "gift_orders_status_reserved_until_idx" ON "gift"."gift_orders" USING btree ("status","reserved_until");--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "gift"."outbox_events" USING btree ("seq") WHERE published_at is null;