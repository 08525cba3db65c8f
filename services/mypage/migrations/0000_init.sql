-- The migrator creates the schema first to keep its history table there.
CREATE SCHEMA IF NOT EXISTS "mypage";
--> statement-breakpoint
CREATE TABLE "mypage"."inbox_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mypage"."missions" (
	"customer_id" text NOT NULL,
	"mission_id" uuid NOT NULL,
	"event_code" text,
	"mission_code" text,
	"achieved_at" timestamp with time zone,
	"reward_id" uuid,
	"rewarded_at" timestamp with time zone,
	CONSTRAINT "missions_customer_id_mission_id_pk" PRIMARY KEY("customer_id","mission_id")
);
--> statement-breakpoint
CREATE TABLE "mypage"."orders" (
	"customer_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"reward_id" uuid,
	"gift_id" text,
	"gift_name" text,
	"delivery_id" uuid,
	"spent_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"delivery_started_at" timestamp with time zone,
	"delivery_cancelled_at" timestamp with time zone,
	"delivery_completed_at" timestamp with time zone,
	CONSTRAINT "orders_customer_id_order_id_pk" PRIMARY KEY("customer_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "mypage"."pages" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mypage"."rewards" (
	"customer_id" text NOT NULL,
	"reward_id" uuid NOT NULL,
	"mission_id" uuid,
	"issued_at" timestamp with time zone,
	"credited_at" timestamp with time zone,
	CONSTRAINT "rewards_customer_id_reward_id_pk" PRIMARY KEY("customer_id","reward_id")
);
