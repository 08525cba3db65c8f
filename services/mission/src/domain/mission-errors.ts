import { DomainError, NotFoundError } from '#platform/errors/domain-error';

export class MissionAlreadyAchievedError extends DomainError {
  readonly kind = 'already-exists' as const;
  readonly code = 'MISSION_ALREADY_ACHIEVED';
  constructor(customerId: string, eventCode: string, missionCode: string) {
    super(`customer ${customerId} already achieved mission ${missionCode} of event ${eventCode}`);
  }
}

export class MissionNotFoundError extends NotFoundError {
  constructor(missionId: string) {
    super('MISSION_NOT_FOUND', `mission ${missionId} not found`);
  }
}

/** A second, different reward for one mission: the reward service broke its guarantee. */
export class MissionAlreadyRewardedError extends DomainError {
  readonly kind = 'failed-precondition' as const;
  readonly code = 'MISSION_ALREADY_REWARDED';
  constructor(missionId: string, rewardId: string) {
    super(`mission ${missionId} already earned reward ${rewardId}`);
  }
}
