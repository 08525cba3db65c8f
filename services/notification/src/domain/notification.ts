export type NotificationKind =
  | 'mission-achieved'
  | 'reward-issued'
  | 'reward-exchanged'
  | 'delivery-started'
  | 'order-cancelled'
  | 'order-rejected'
  | 'order-delivered'
  | 'reward-returned';

export interface NotificationState {
  readonly id: string;
  readonly customerId: string;
  readonly kind: NotificationKind;
  /** What the customer reads. */
  readonly text: string;
  /** The mission, reward or gift order it is about. */
  readonly subjectId: string;
  /** When what it reports happened. */
  readonly createdAt: Date;
  readonly readAt?: Date;
}

/** What an event tells, enough to word the notice. */
export interface NoticeDetails {
  readonly eventCode?: string;
  readonly missionCode?: string;
  /** The gift's name if known, else its id. */
  readonly gift?: string;
}

/** The customer-facing wording of each kind. */
export function noticeText(kind: NotificationKind, details: NoticeDetails): string {
  const gift = details.gift ?? 'your gift';
  switch (kind) {
    case 'mission-achieved':
      return `You achieved the mission "${details.missionCode ?? '?'}" of ${details.eventCode ?? 'the event'}.`;
    case 'reward-issued':
      return 'You earned a reward for your mission. It is in your wallet.';
    case 'reward-exchanged':
      return `Your reward was exchanged for ${gift}.`;
    case 'delivery-started':
      return `${capitalize(gift)} is on its way.`;
    case 'order-cancelled':
      return `Your order for ${gift} was cancelled.`;
    case 'order-rejected':
      return `Sorry, your order for ${gift} could not be fulfilled.`;
    case 'order-delivered':
      return `${capitalize(gift)} was delivered. Enjoy!`;
    case 'reward-returned':
      return 'Your reward is back in your wallet and can be exchanged again.';
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
