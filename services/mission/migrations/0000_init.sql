-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "mission";
--> statement-breakpoint
CREATE TYPE "mission"."mission_status" AS ENUM('achieved', 'rewarded');--> statement-breakpoint
CREATE TABLE "mission"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mission"."missions" (
	"seq" bigserial NOT NULL,
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"event_code" text NOT NULL,
	"mission_code" text NOT NULL,
	"status" "mission"."mission_status" NOT NULL,
	"reward_id" uuid,
	"achieved_at" timestamp with time zone NOT NULL,
	"rewarded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "mission"."outbox_events" (
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
CREATE UNIQUE INDEX "missions_customer_mission_key" ON "mission"."missions" USING btree ("customer_id","event_code","mission_code");--> statement-breakpoint
CREATE INDEX "missions_customer_seq_idx" ON "mission"."missions" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "outbox_events_unpublished_idx" ON "mission"."outbox_events" USING btree ("seq") WHERE published_at is null;