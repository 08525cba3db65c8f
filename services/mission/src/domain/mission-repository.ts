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
  /**
   * Loads the missions locked for update, applies the change to each, stores the changed ones
   * in one go; returns the missions found (absent ids are simply missing from the result).
   */
  updateAll(missionIds: readonly string[], change: (mission: Mission) => void): Promise<Mission[]>;
  findById(missionId: string): Promise<Mission | undefined>;
  listByCustomer(customerId: string, page: { size: number; before?: number }): Promise<MissionPage>;
}
