-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "notification";
--> statement-breakpoint
CREATE TYPE "notification"."notification_kind" AS ENUM('mission-achieved', 'reward-issued', 'reward-exchanged', 'delivery-started', 'order-cancelled', 'order-rejected', 'order-delivered', 'reward-returned');--> statement-breakpoint
CREATE TABLE "notification"."deliveries" (
	"notification_id" uuid PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"failed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification"."gift_names" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"gift_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification"."notifications" (
	"seq" bigserial NOT NULL,
	"notification_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"kind" "notification"."notification_kind" NOT NULL,
	"text" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"source_event_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "notifications_source_event_id_unique" UNIQUE("source_event_id")
);
--> statement-breakpoint
ALTER TABLE "notification"."deliveries" ADD CONSTRAINT "deliveries_notification_id_notifications_notification_id_fk" FOREIGN KEY ("notification_id") REFERENCES "notification"."notifications"("notification_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "notification"."deliveries" USING btree ("next_attempt_at") WHERE sent_at is null and failed_at is null;--> statement-breakpoint
CREATE INDEX "notifications_customer_seq_idx" ON "notification"."notifications" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "notifications_customer_unread_idx" ON "notification"."notifications" USING btree ("customer_id","seq") WHERE read_at is null;