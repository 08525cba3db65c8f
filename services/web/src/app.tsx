import { useCallback, useEffect, useState } from 'preact/hooks';
import { useTokenSource } from './api-client.js';
import type { Gift, OrderEntry } from './api-types.js';
import { loadAuthSettings } from './auth/auth-settings.js';
import { PlayerSession, type SignedIn } from './auth/player-session.js';
import { SignedInBar } from './auth/signed-in-bar.js';
import { CatalogPanel } from './catalog-panel.js';
import { type ErrorContext, friendlyMessage, OFFLINE_MESSAGE } from './friendly-errors.js';
import { MissionsPanel } from './missions-panel.js';
import { NotificationsPanel } from './notifications-panel.js';
import { OrdersPanel } from './orders-panel.js';
import { achieveDemoMission, cancelOrder, exchangeReward, markNotificationsRead } from './platform-api.js';
import { canCancel } from './status-labels.js';
import { SummaryBar } from './summary-bar.js';
import { ToastArea } from './toast-area.js';
import { useAwaitedUpdates } from './use-awaited-updates.js';
import { useCustomerData } from './use-customer-data.js';
import { type Toast, useToasts } from './use-toasts.js';
import { WalletPanel } from './wallet-panel.js';

type Notify = (tone: Toast['tone'], text: string, about?: string) => void;

/** The player's session: settings from the edge, then the provider's discovery, then (on return) the code for tokens. */
function usePlayerSession(): { session?: PlayerSession; signedIn?: SignedIn; failure?: string; ready: boolean } {
  const [session, setSession] = useState<PlayerSession>();
  const [signedIn, setSignedIn] = useState<SignedIn>();
  const [failure, setFailure] = useState<string>();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let unsubscribe: (() => void) | undefined;
    (async () => {
      const found = await PlayerSession.discover(await loadAuthSettings());
      useTokenSource(found);
      unsubscribe = found.onChange(setSignedIn);
      setSession(found);
      await found.completeSignIn();
      setSignedIn(found.signedIn);
    })()
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)))
      .finally(() => setReady(true));
    return () => unsubscribe?.();
  }, []);
  return { session, signedIn, failure, ready };
}

export function App() {
  const { session, signedIn, failure, ready } = usePlayerSession();
  const [offline, setOffline] = useState(false);
  const { toasts, show, dismiss } = useToasts();
  const signIn = useCallback(() => void session?.signIn(), [session]);
  // Nothing of the signed-out player's stays on screen, their messages included.
  const signOut = useCallback(() => {
    session?.signOut();
    for (const toast of toasts) dismiss(toast.id);
  }, [session, toasts, dismiss]);

  return (
    <>
      <header class="top">
        <div class="brand">
          <h1>My Page</h1>
          <p class="tagline">Missions, rewards and gifts</p>
        </div>
        {session && ready && <SignedInBar signedIn={signedIn} onSignIn={signIn} onSignOut={signOut} />}
      </header>
      <main id="main">
        {signedIn ? (
          <CustomerView
            key={signedIn.customerId}
            customerId={signedIn.customerId}
            devTools={session?.devTools ?? false}
            notify={show}
            onOffline={setOffline}
          />
        ) : failure ? (
          <p class="welcome">Signing in is not possible right now ({failure}). Please try again in a moment.</p>
        ) : (
          ready && <p class="welcome">Sign in to see your missions, rewards, gift orders and notifications.</p>
        )}
      </main>
      <ToastArea toasts={toasts} notice={offline ? OFFLINE_MESSAGE : undefined} onDismiss={dismiss} />
    </>
  );
}

interface ViewProps {
  readonly customerId: string;
  /** Development tools are offered (the embedded mode). */
  readonly devTools: boolean;
  readonly notify: Notify;
  readonly onOffline: (offline: boolean) => void;
}

/** One customer's page: the panels, kept fresh, and the actions on them. */
function CustomerView({ customerId, devTools, notify, onOffline }: ViewProps) {
  const { page, gifts, notifications, offline, refresh } = useCustomerData(customerId);
  const [achieving, setAchieving] = useState(false);
  const [exchanging, setExchanging] = useState<ReadonlySet<string>>(new Set());
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set());
  const [marking, setMarking] = useState(false);
  const exchanged = useAwaitedUpdates();
  const cancelled = useAwaitedUpdates();

  useEffect(() => onOffline(offline), [offline, onOffline]);
  useEffect(() => () => onOffline(false), [onOffline]);

  /** Runs an action: says how it went, in words, and refreshes the page either way. */
  async function perform<T>(
    work: () => Promise<T>,
    context: ErrorContext & { about: string },
    done: (result: T) => string | undefined,
  ): Promise<void> {
    try {
      const said = done(await work());
      if (said) notify('info', said, context.about);
    } catch (error) {
      notify('error', friendlyMessage(error, context), context.about);
    } finally {
      refresh();
    }
  }

  const achieve = async () => {
    setAchieving(true);
    await perform(
      () => achieveDemoMission(),
      { action: 'achieve', about: 'achieve' },
      (mission) => `Mission ${mission.missionCode} achieved! Your reward is on its way.`,
    );
    setAchieving(false);
  };

  const exchange = async (rewardId: string, gift: Gift) => {
    setExchanging((busy) => new Set(busy).add(rewardId));
    await perform(
      () => exchangeReward(customerId, rewardId, gift.giftId),
      { action: 'exchange', giftName: gift.name, about: `exchange:${rewardId}` },
      (result) => {
        if (result.status !== 'EXCHANGE_STATUS_COMPLETED') return "The exchange didn't go through; your reward is still in your wallet.";
        exchanged.await(rewardId);
        return `Exchanged! ${gift.name} is ordered and its delivery is starting.`;
      },
    );
    setExchanging((busy) => without(busy, rewardId));
  };

  const cancel = async (order: OrderEntry) => {
    setCancelling((busy) => new Set(busy).add(order.orderId));
    await perform(
      () => cancelOrder(customerId, order.orderId),
      { action: 'cancel', about: `cancel:${order.orderId}` },
      () => {
        cancelled.await(order.orderId);
        return `Order for ${order.giftName || order.giftId} cancelled. Your reward is going back to your wallet.`;
      },
    );
    setCancelling((busy) => without(busy, order.orderId));
  };

  const markRead = async (notificationIds: string[]) => {
    setMarking(true);
    await perform(
      () => markNotificationsRead(customerId, notificationIds),
      { action: 'mark-read', about: 'mark-read' },
      () => undefined,
    );
    setMarking(false);
  };

  const myPage = page.data;
  const exchangeBusy = new Set([
    ...exchanging,
    ...exchanged.pending((id) => myPage?.rewards.find((reward) => reward.rewardId === id)?.walletStatus === 'WALLET_STATUS_AVAILABLE'),
  ]);
  const cancelBusy = new Set([
    ...cancelling,
    ...cancelled.pending((id) => canCancel(myPage?.orders.find((order) => order.orderId === id)?.status ?? 'ORDER_STATUS_UNSPECIFIED')),
  ]);
  // No answer yet, or only failures: the lists stay "loading" rather than look empty.
  const pageBusy = myPage === undefined;
  const pageProblem = page.error && page.error.kind !== 'network';
  return (
    <>
      <div class="greeting">
        <h2 class="sr-only">Summary</h2>
        <p>
          Hi <strong data-testid="customer-name">{customerId}</strong>
          {page.settled && myPage === null && <>. Nothing here yet: play a game event to earn your first mission.</>}
        </p>
        {myPage?.counts && <SummaryBar counts={myPage.counts} />}
        {pageProblem && (
          <p class="panel-note">
            {myPage === undefined
              ? "Your page can't be loaded right now. We'll keep trying."
              : "Your page can't be refreshed right now; this is what we had a moment ago."}
          </p>
        )}
      </div>
      <div class="panels">
        <MissionsPanel missions={myPage?.missions} busy={pageBusy} achieving={achieving} onAchieve={devTools ? achieve : undefined} />
        <WalletPanel
          rewards={myPage?.rewards}
          gifts={gifts.data ?? []}
          catalogMissing={!gifts.data && gifts.error !== undefined}
          busy={pageBusy}
          exchanging={exchangeBusy}
          onExchange={exchange}
        />
        <OrdersPanel orders={myPage?.orders} busy={pageBusy} cancelling={cancelBusy} onCancel={cancel} />
        <NotificationsPanel
          list={notifications.data}
          busy={!notifications.settled}
          unavailable={notifications.error !== undefined && notifications.error.kind !== 'network'}
          marking={marking}
          onMarkRead={markRead}
        />
        <CatalogPanel gifts={gifts.data} error={gifts.error} busy={!gifts.settled} />
      </div>
    </>
  );
}

function without(set: ReadonlySet<string>, value: string): ReadonlySet<string> {
  const copy = new Set(set);
  copy.delete(value);
  return copy;
}
