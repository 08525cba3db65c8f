CREATE TABLE "wallet"."reward_payments" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"reward_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"gift_id" text NOT NULL,
	"spent_at" timestamp with time zone NOT NULL,
	"returned_at" timestamp with time zone,
	"return_reason" text
);
--> statement-breakpoint
CREATE INDEX "reward_payments_reward_idx" ON "wallet"."reward_payments" USING btree ("reward_id");--> statement-breakpoint
-- Payments from before the ledger, from the completed exchanges: a reward no longer spent on
-- the exchange's order came back, at a time the wallet did not keep (the exchange's last update
-- stands in). Exact times stay in the outbox until OUTBOX_RETENTION_MS prunes them.
INSERT INTO "wallet"."reward_payments" ("order_id", "reward_id", "customer_id", "gift_id", "spent_at", "returned_at", "return_reason")
SELECT e."order_id", e."reward_id", e."customer_id", e."gift_id", e."updated_at",
  CASE WHEN r."status" <> 'spent' OR r."order_id" IS DISTINCT FROM e."order_id" THEN e."updated_at" END,
  CASE WHEN r."status" <> 'spent' OR r."order_id" IS DISTINCT FROM e."order_id" THEN '' END
FROM "wallet"."exchanges" e JOIN "wallet"."wallet_rewards" r ON r."reward_id" = e."reward_id"
WHERE e."status" = 'completed'
ON CONFLICT DO NOTHING;
