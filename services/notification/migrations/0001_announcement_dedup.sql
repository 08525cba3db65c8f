-- A database from before this index may hold the same announcement more than once (the very
-- bug the index ends). Merge them first, or the index cannot be built: the first notice of each
-- (lowest seq) stays and takes over a read mark one of the others had; the others go, with
-- their delivery rows.
CREATE TEMPORARY TABLE "notification_duplicates" ON COMMIT DROP AS
SELECT "notification_id", "kept_id", "read_at" FROM (
  SELECT "notification_id", "read_at",
    first_value("notification_id") OVER w AS "kept_id",
    row_number() OVER w AS "n"
  FROM "notification"."notifications"
  WINDOW w AS (PARTITION BY "kind", "subject_id", "created_at" ORDER BY "seq")
) ranked WHERE "n" > 1;--> statement-breakpoint
UPDATE "notification"."notifications" k SET "read_at" = d."read_at"
FROM (SELECT "kept_id", min("read_at") AS "read_at" FROM "notification_duplicates" WHERE "read_at" IS NOT NULL GROUP BY "kept_id") d
WHERE k."notification_id" = d."kept_id" AND k."read_at" IS NULL;--> statement-breakpoint
DELETE FROM "notification"."deliveries" WHERE "notification_id" IN (SELECT "notification_id" FROM "notification_duplicates");--> statement-breakpoint
DELETE FROM "notification"."notifications" WHERE "notification_id" IN (SELECT "notification_id" FROM "notification_duplicates");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_announcement_idx" ON "notification"."notifications" USING btree ("kind","subject_id","created_at");
