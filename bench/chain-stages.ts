import type { TestSystem } from '#testing/test-system';

/** Median and 99th percentile of one stage, in ms. */
export interface StageLatency {
  readonly p50: number;
  readonly p99: number;
}

/** Where a mission's achieve -> wallet time went, stage by stage (see chainStages). */
export interface ChainStages {
  /** Missions of the phase found with every stage's row. */
  readonly missions: number;
  /** Achieved -> its MissionAchieved marked published: the request, its group commit, the mission relay. */
  readonly missionRelay: StageLatency;
  /** -> the reward issued (the reward consumer's transaction). */
  readonly rewardConsumer: StageLatency;
  /** -> its RewardIssued marked published (the reward relay). */
  readonly rewardRelay: StageLatency;
  /** -> the reward credited to the wallet (the wallet consumer's transaction). */
  readonly walletConsumer: StageLatency;
  /** -> its WalletCredited marked published (the wallet relay), which the bench waits for. */
  readonly walletRelay: StageLatency;
}

const STAGES = {
  missionRelay: 'mission_published - achieved',
  rewardConsumer: 'issued - mission_published',
  rewardRelay: 'reward_published - issued',
  walletConsumer: 'credited - reward_published',
  walletRelay: 'wallet_published - credited',
} as const;

/**
 * The time of each hop of the phase's missions, from the rows the services wrote (each stamped
 * by its own service as it wrote it, on one machine's clock): the mission, the reward and the
 * wallet entry, and when each one's event was marked published. Read from the database after the
 * phase, so it costs the measured services nothing. Its first use (docs/performance.md, stop 26)
 * showed the relays, not the consumers, to be most of an event's time as deployed.
 */
export async function chainStages(system: TestSystem, eventCodePrefix: string): Promise<ChainStages> {
  const percentiles = Object.entries(STAGES)
    .map(([name, span]) => `percentile_cont(array[0.5, 0.99]) within group (order by extract(epoch from ${span}) * 1000) as "${name}"`)
    .join(',\n      ');
  const [row] = await system.query<Record<string, number[] | string>>(`
    with hops as (
      select m.achieved_at as achieved, mo.published_at as mission_published, r.issued_at as issued,
             ro.published_at as reward_published, w.added_at as credited, wo.published_at as wallet_published
      from mission.missions m
      join mission.outbox_events mo on mo.aggregate_id = m.id::text and mo.event_type like '%MissionAchieved'
      join reward.rewards r on r.mission_id = m.id
      join reward.outbox_events ro on ro.aggregate_id = r.id::text and ro.event_type like '%RewardIssued'
      join wallet.wallet_rewards w on w.reward_id = r.id
      join wallet.outbox_events wo on wo.aggregate_id = r.id::text and wo.event_type like '%WalletCredited'
      where m.event_code like '${eventCodePrefix.replaceAll("'", "''")}%'
    )
    select count(*) as missions,
      ${percentiles}
    from hops`);
  const stage = (name: keyof typeof STAGES): StageLatency => {
    const [p50, p99] = (row?.[name] as number[] | null) ?? [Number.NaN, Number.NaN];
    return { p50: Math.round(p50 * 10) / 10, p99: Math.round(p99 * 10) / 10 };
  };
  return {
    missions: Number(row?.missions ?? 0),
    missionRelay: stage('missionRelay'),
    rewardConsumer: stage('rewardConsumer'),
    rewardRelay: stage('rewardRelay'),
    walletConsumer: stage('walletConsumer'),
    walletRelay: stage('walletRelay'),
  };
}

/** One line for the bench's progress log. */
export function describeStages(stages: ChainStages): string {
  const hops = (Object.keys(STAGES) as (keyof typeof STAGES)[]).map((name) => `${name} ${stages[name].p50}/${stages[name].p99}`);
  return `stages p50/p99 ms over ${stages.missions} missions: ${hops.join(', ')}`;
}
