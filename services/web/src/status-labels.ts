/** The API's enum names as words, with a tone for the badge's colour. */
import type { DeliveryStatus, MissionStatus, OrderStatus, RewardEntry } from './api-types.js';

export type Tone = 'neutral' | 'progress' | 'good' | 'muted' | 'bad';

export interface Label {
  readonly text: string;
  readonly tone: Tone;
}

export function missionLabel(status: MissionStatus): Label {
  if (status === 'MISSION_STATUS_REWARDED') return { text: 'Rewarded', tone: 'good' };
  if (status === 'MISSION_STATUS_ACHIEVED') return { text: 'Reward on its way', tone: 'progress' };
  return { text: 'Unknown', tone: 'neutral' };
}

/** Where the reward stands for the customer: usable, spent on a gift, or not in the wallet yet. */
export function rewardLabel(reward: RewardEntry): Label {
  switch (reward.walletStatus) {
    case 'WALLET_STATUS_AVAILABLE':
      return { text: 'Available', tone: 'good' };
    case 'WALLET_STATUS_SPENT':
      return { text: 'Exchanged', tone: 'muted' };
    case 'WALLET_STATUS_PENDING':
      return { text: 'Arriving', tone: 'progress' };
    default:
      return { text: 'Unknown', tone: 'neutral' };
  }
}

export function orderLabel(status: OrderStatus): Label {
  switch (status) {
    case 'ORDER_STATUS_PAID':
      return { text: 'Paid', tone: 'progress' };
    case 'ORDER_STATUS_SHIPPING':
      return { text: 'Shipping', tone: 'progress' };
    case 'ORDER_STATUS_DELIVERED':
      return { text: 'Delivered', tone: 'good' };
    case 'ORDER_STATUS_CANCELLED':
      return { text: 'Cancelled', tone: 'muted' };
    case 'ORDER_STATUS_REJECTED':
      return { text: 'Not accepted', tone: 'bad' };
    default:
      return { text: 'Unknown', tone: 'neutral' };
  }
}

export function deliveryLabel(status: DeliveryStatus): Label {
  switch (status) {
    case 'DELIVERY_STATUS_STARTED':
      return { text: 'On the way', tone: 'progress' };
    case 'DELIVERY_STATUS_DELIVERED':
      return { text: 'Delivered', tone: 'good' };
    case 'DELIVERY_STATUS_CANCELLED':
      return { text: 'Cancelled', tone: 'muted' };
    default:
      return { text: 'Not started', tone: 'neutral' };
  }
}

/** A customer may cancel a paid order whose gift has not been handed over. */
export function canCancel(status: OrderStatus): boolean {
  return status === 'ORDER_STATUS_PAID' || status === 'ORDER_STATUS_SHIPPING';
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? ''
    : at.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Short form of a UUID for people ("3f2a9c1e"); the full id stays in the title attribute. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
