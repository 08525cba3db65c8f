ALTER TABLE "gift"."gift_orders" ADD COLUMN "paid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "gift"."gift_orders" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "gift"."gift_orders" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
-- Orders from before these columns: their step times are taken from what the row kept (the
-- placing time for the payment, which follows it within the exchange call; the last update for
-- the end state). Exact times stay in the outbox until OUTBOX_RETENTION_MS prunes them.
UPDATE "gift"."gift_orders" SET
  "paid_at" = CASE WHEN "status" = 'paid' THEN "updated_at" WHEN "status" IN ('shipping', 'delivered', 'cancelled') THEN "placed_at" END,
  "cancelled_at" = CASE WHEN "status" = 'cancelled' THEN "updated_at" END,
  "delivered_at" = CASE WHEN "status" = 'delivered' THEN "updated_at" END
WHERE "paid_at" IS NULL;
