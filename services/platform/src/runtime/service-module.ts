import type { PlatformAuth } from '../auth/platform-auth.js';
import type { EventBus } from '../bus/event-bus.js';
import type { Env } from '../config/env-reader.js';
import type { PlatformConfig } from '../config/platform-config.js';
import type { Database } from '../db/database.js';
import type { GrpcServiceBinding } from '../grpc/grpc-server.js';
import type { AnyEventHandler } from '../inbox/event-consumer.js';
import type { InboxTable } from '../inbox/inbox-table.js';
import type { Logger } from '../logging/logger.js';
import type { OutboxTable } from '../outbox/outbox-table.js';
import type { StateSnapshot } from '../outbox/snapshot-replay.js';
import type { PeriodicTask } from './periodic-task.js';

/** What a service's composition root is given. */
export interface ServiceContext {
  readonly db: Database;
  readonly bus: EventBus;
  readonly config: PlatformConfig;
  readonly logger: Logger;
  /** Verifies callers; issues this service's own tokens for the services it calls. */
  readonly auth: PlatformAuth;
  /** Tell the outbox relay that a transaction just committed events. */
  readonly wakeRelay: () => void;
}

/** What a composition root hands back for the runner to serve. */
export interface ServiceParts {
  readonly grpc: readonly GrpcServiceBinding[];
  /** The service publishes events through this outbox. */
  readonly outbox?: OutboxTable;
  /**
   * The service's current state as its own events (EventReplayService.ReplaySnapshot): what a
   * read model is rebuilt from once old outbox rows are pruned. Every publisher has one.
   */
  readonly snapshot?: readonly StateSnapshot[];
  /**
   * The service consumes events into this inbox. A read model names the batch window its pages
   * can lag by (SubscriptionSpec.batchWindowMs; EVENTS_BATCH_WINDOW_MS overrides it); the
   * chain's own consumers leave it out and apply each batch as soon as it arrives.
   */
  readonly consumer?: { readonly inbox: InboxTable; readonly handlers: readonly AnyEventHandler[]; readonly batchWindowMs?: number };
  /** Background work, started after the server and stopped before it. */
  readonly tasks?: readonly PeriodicTask[];
  /** Releases what the composition root opened (clients of other services), last at stop. */
  readonly close?: () => Promise<void> | void;
}

/**
 * A service as the platform sees it: a name (queue, schema, env prefix), its migrations, a
 * default port, and a composition root that accepts overrides (tests replace a clock, a port
 * adapter, a failure point) without touching anything else.
 */
export interface ServiceModule<Overrides = Record<string, never>> {
  readonly name: string;
  readonly schema: string;
  readonly migrationsFolder: string;
  readonly defaultPort: number;
  create(context: ServiceContext, overrides?: Partial<Overrides>): ServiceParts;
  /**
   * Reads the service's own settings (beyond the platform's) and throws ConfigError for a bad
   * one: entry points call it before any work starts, so a typo fails in the first second.
   */
  readonly checkConfig?: (env: Env) => void;
}
