ALTER TABLE "mypage"."pages" ADD COLUMN "page_message" "bytea";--> statement-breakpoint
ALTER TABLE "mypage"."pages" DROP COLUMN "page";