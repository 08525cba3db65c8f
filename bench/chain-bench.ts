import { type ServiceError, status } from '@grpc/grpc-js';
import type { MissionServiceClient } from '#contracts/generated/game/mission/v1/mission_service';
import { call } from '#testing/grpc-call';
import type { LoadProfile } from './bench-options.js';
import { CreditMatcher } from './credit-matcher.js';
import { runOpenLoop } from './open-loop-driver.js';

export interface ErrorTally {
  readonly count: number;
  /** The first error's details, to tell an overload (DEADLINE_EXCEEDED) from a fault. */
  readonly example: string;
}

/** Raw observations of one phase; times are performance.now() milliseconds. */
export interface PhaseMeasurement {
  readonly profile: LoadProfile;
  readonly sent: number;
  readonly startedAt: number;
  /** The last AchieveMission answer, successful or not. */
  readonly lastAnsweredAt: number;
  readonly lastCreditedAt: number;
  readonly maxScheduleLagMs: number;
  /** Failed AchieveMission calls by gRPC status name. */
  readonly errors: Readonly<Record<string, ErrorTally>>;
  /** AchieveMission round trips of the successful calls. */
  readonly achieveLatencies: readonly number[];
  /** Achieve response to wallet.credited, per credited mission. */
  readonly creditLatencies: readonly number[];
}

const PROGRESS_EVERY_MS = 2000;
const DRAIN_CHECK_MS = 20;

/** One AchieveMission call, over whatever transport; rejects with a gRPC-style { code, details } error. */
export type AchieveMission = (request: { customerId: string; eventCode: string; missionCode: string }) => Promise<{ missionId: string }>;

/** AchieveMission over gRPC, straight to the mission service. */
export function achieveOverGrpc(missions: MissionServiceClient): AchieveMission {
  return (request) => call(missions, missions.achieveMission, request);
}

/**
 * Drives the reward chain through the mission service's API (gRPC, or REST through the gateway)
 * and times each mission until its reward is credited. Feed onCredit from a wallet.credited
 * subscription.
 */
export class ChainBench {
  private matcher = new CreditMatcher();
  private phaseRuns = 0;

  constructor(
    private readonly achieveMission: AchieveMission,
    private readonly options: { drainIdleMs: number; log: (line: string) => void },
  ) {}

  readonly onCredit = (missionId: string, at: number): void => this.matcher.credited(missionId, at);

  async run(profile: LoadProfile): Promise<PhaseMeasurement> {
    const matcher = new CreditMatcher();
    this.matcher = matcher;
    // A fresh event code per phase keeps every (customer, event, mission) triple unique.
    const eventCode = `bench-${profile.phase}-${++this.phaseRuns}`;
    const achieveLatencies: number[] = [];
    const errors: Record<string, ErrorTally> = {};
    let lastAnsweredAt = 0;

    const send = async (index: number) => {
      const sentAt = performance.now();
      try {
        const mission = await this.achieveMission({
          customerId: `c-${index}`,
          eventCode,
          missionCode: `m-${index}`,
        });
        lastAnsweredAt = performance.now();
        achieveLatencies.push(lastAnsweredAt - sentAt);
        matcher.achieved(mission.missionId, lastAnsweredAt);
      } catch (error) {
        lastAnsweredAt = performance.now();
        const { code, details, message } = error as ServiceError;
        const name = status[code] ?? 'UNKNOWN';
        errors[name] = { count: (errors[name]?.count ?? 0) + 1, example: errors[name]?.example ?? details ?? message };
      }
    };

    const progress = setInterval(() => {
      this.options.log(`[${profile.phase}] achieved ${achieveLatencies.length}/${profile.count}, credited ${matcher.creditedCount}`);
    }, PROGRESS_EVERY_MS);
    try {
      const loop = await runOpenLoop(profile, send);
      await this.drain(matcher, achieveLatencies.length);
      return {
        profile,
        sent: profile.count,
        startedAt: loop.startedAt,
        lastAnsweredAt,
        lastCreditedAt: matcher.lastCreditedAt,
        maxScheduleLagMs: loop.maxScheduleLagMs,
        errors,
        achieveLatencies,
        creditLatencies: matcher.latencies,
      };
    } finally {
      clearInterval(progress);
    }
  }

  /**
   * Waits until every achieved mission is credited, or no credit arrived for drainIdleMs.
   * Checking a counter in memory does not skew results: credit times come from the events.
   */
  private async drain(matcher: CreditMatcher, expected: number): Promise<void> {
    let lastCount = matcher.creditedCount;
    let lastProgressAt = performance.now();
    while (matcher.creditedCount < expected && performance.now() - lastProgressAt < this.options.drainIdleMs) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
      if (matcher.creditedCount !== lastCount) {
        lastCount = matcher.creditedCount;
        lastProgressAt = performance.now();
      }
    }
  }
}
