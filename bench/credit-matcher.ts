/**
 * Pairs each achieved mission with its wallet.credited event. The mission id is assigned by the
 * server, so a credit can only be matched once the AchieveMission answer is in; a credit that
 * arrives first (possible when the client is starved of CPU) is held until then.
 */
export class CreditMatcher {
  /** Achieve-response-to-credit latencies (ms), one per credited mission. */
  readonly latencies: number[] = [];
  lastCreditedAt = 0;
  private readonly awaitingCredit = new Map<string, number>();
  private readonly creditedFirst = new Map<string, number>();

  achieved(missionId: string, respondedAt: number): void {
    const creditedAt = this.creditedFirst.get(missionId);
    if (creditedAt === undefined) {
      this.awaitingCredit.set(missionId, respondedAt);
      return;
    }
    this.creditedFirst.delete(missionId);
    // The reward was in the wallet before the client saw the answer: no wait at all.
    this.record(0, creditedAt);
  }

  /** Credits of other phases and redelivered duplicates are held but never matched. */
  credited(missionId: string, at: number): void {
    const respondedAt = this.awaitingCredit.get(missionId);
    if (respondedAt === undefined) {
      if (!this.creditedFirst.has(missionId)) this.creditedFirst.set(missionId, at);
      return;
    }
    this.awaitingCredit.delete(missionId);
    this.record(at - respondedAt, at);
  }

  get creditedCount(): number {
    return this.latencies.length;
  }

  private record(latency: number, creditedAt: number): void {
    this.latencies.push(latency);
    this.lastCreditedAt = Math.max(this.lastCreditedAt, creditedAt);
  }
}
