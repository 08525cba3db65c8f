import type { Mission } from './mission.js';

export interface MissionPage {
  readonly missions: Mission[];
  /** Pass back as `before` for the next page; undefined on the last page. */
  readonly nextBefore?: number;
}

/**
 * Persistence port. Writes store the mission's pending events with the change, atomically.
 */
export interface MissionRepository {
  /** Stores a newly achieved mission; false if the customer already achieved it. */
  add(mission: Mission): Promise<boolean>;
  /** Loads the mission locked for update, applies the change, stores it; undefined if absent. */
  update(missionId: string, change: (mission: Mission) => void): Promise<Mission | undefined>;
  findById(missionId: string): Promise<Mission | undefined>;
  listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<MissionPage>;
}
