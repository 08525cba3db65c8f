import { type Env, readInt } from '#platform/config/env-reader';

/** My Page's own settings (besides the platform's), read once at start. */
export interface MyPageConfig {
  /** How many bytes of stored pages a replica keeps to send again unchanged (0: none). */
  pageCacheBytes: number;
}

export function readMyPageConfig(env: Env = process.env): MyPageConfig {
  return { pageCacheBytes: readInt(env, 'MYPAGE_PAGE_CACHE_MB', 16, { min: 0, max: 4096 }) * 1024 * 1024 };
}
