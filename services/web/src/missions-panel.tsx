import type { MissionEntry } from './api-types.js';
import { Panel, StatusBadge } from './panel.js';
import { formatTime, missionLabel } from './status-labels.js';

interface Props {
  readonly missions?: readonly MissionEntry[];
  readonly busy: boolean;
  readonly achieving: boolean;
  /** The development tool (embedded mode only): absent, no button. */
  readonly onAchieve?: () => void;
}

export function MissionsPanel({ missions, busy, achieving, onAchieve }: Props) {
  return (
    <Panel
      id="missions"
      title="Missions"
      busy={busy}
      actions={
        onAchieve && (
          <span
            class="dev-tool"
            title="Development only: the server achieves the mission as the game server would. Players cannot do this in a real deployment."
          >
            <span class="dev-tool-label">Development tool</span>
            <button type="button" class="primary" onClick={onAchieve} disabled={achieving} aria-busy={achieving ? 'true' : 'false'}>
              {achieving ? 'Achieving…' : 'Achieve a demo mission'}
            </button>
          </span>
        )
      }
    >
      {missions && missions.length > 0 ? (
        <ul class="items">
          {missions.map((mission) => (
            <li key={mission.missionId} class="item" data-mission-code={mission.missionCode}>
              <div class="item-main">
                <span class="item-title">{mission.missionCode || 'Mission'}</span>
                <span class="item-meta">
                  {mission.eventCode && <>{mission.eventCode} · </>}
                  {formatTime(mission.achievedAt)}
                </span>
              </div>
              <StatusBadge label={missionLabel(mission.status)} prefix="Status" />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No missions yet. Play a game event to earn a reward.</p>
      )}
    </Panel>
  );
}
