import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { createGift } from '#testing/exchange-helpers';
import { deliveryModule, giftModule, missionModule, rewardModule, walletModule } from '#testing/platform-modules';
import { type ServiceInstance, TestSystem } from '#testing/test-system';
import { myPageModule } from '../../services/mypage/src/composition-root.js';
import { notificationModule } from '../../services/notification/src/composition-root.js';
import { buildWeb } from '../../services/web/build.js';
import { signIn } from './support/sign-in.js';

const SCREENSHOTS = 'test-artifacts/web';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Long enough for an event to cross the broker and reach the read model, and a poll (1.5 s) to show it. */
const SEEN_WITHIN_MS = 20_000;
const BUSY_MESSAGE = /The gift shop is busy right now\. Please try again in (\d+) seconds?\./;

/**
 * The My Page web front end in a real browser (headless Chromium), served by the REST gateway
 * in front of the real services on Postgres and RabbitMQ. The person signs in through the
 * embedded OpenID Connect provider (authorization code + PKCE, its development login page);
 * everything they do goes through the page, and everything they see arrives by the page's own
 * polling: no reloads.
 */
describe('My Page in a browser: a customer follows missions, rewards, gift orders and notifications from the web page', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let gift: ServiceInstance;
  let staticDir: string;
  let gatewayUrl: string;
  let browser: Browser;
  let desktop: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  /** Uncaught errors in the page's script: there must be none. */
  const pageErrors: string[] = [];
  const customerId = `web-${Date.now().toString(36)}`;

  before(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    staticDir = await buildWeb({ outDir: await mkdtemp(join(tmpdir(), 'my-page-web-')) });
    system = await TestSystem.create('servers');
    await system.start(rewardModule);
    gift = await system.start(giftModule);
    await system.start(deliveryModule);
    await system.start(missionModule);
    await system.start(myPageModule);
    await system.start(notificationModule);
    await system.start(walletModule, {
      overrides: {
        config: {
          giftAddress: gift.address,
          giftShop: { attemptTimeoutMs: 300, maxRetries: 1, breakerThreshold: 2, halfOpenAfterMs: 3000 },
        },
      },
    });
    await createGift(system, 'plush-dragon', 3, 'Plush dragon');
    await createGift(system, 'golden-badge', 0, 'Golden badge');
    gatewayUrl = (await system.startGateway({ staticDir })).url;

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    // Nothing leaves this machine: the provider's development login page asks for a web font.
    for (const context of [desktop, phone]) await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => route.abort());
    page = await desktop.newPage();
    desktop.on('weberror', (error) => pageErrors.push(String(error.error())));
    phone.on('weberror', (error) => pageErrors.push(String(error.error())));
  });

  afterEach(() => {
    expect(pageErrors, 'errors thrown by the page').to.deep.equal([]);
  });

  after(async () => {
    await browser?.close();
    await system?.close();
    if (staticDir) await rm(staticDir, { recursive: true, force: true });
  });

  it('the gateway serves the page at / and its script and styles from the project (no CDN)', async () => {
    const index = await fetch(`${gatewayUrl}/`);
    expect(index.status).to.equal(200);
    expect(index.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await index.text();
    expect(html).to.include('<div id="app">').and.include('href="/styles.css"');
    expect(html, 'nothing is loaded from another origin').to.not.match(/(src|href)="(https?:)?\/\//);
    // The bundle is named after its content (services/web/build.ts), so it may be cached for good.
    const bundle = /<script type="module" src="(\/assets\/app-[A-Z0-9]+\.js)"><\/script>/.exec(html)?.[1];
    expect(bundle, 'the page loads its content-hashed bundle').to.be.a('string');
    const script = await fetch(`${gatewayUrl}${bundle}`);
    expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).to.deep.equal([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    expect(index.headers.get('cache-control'), 'the page itself is revalidated').to.equal('no-cache');
    const styles = await fetch(`${gatewayUrl}/styles.css`);
    expect([styles.status, styles.headers.get('content-type')]).to.deep.equal([200, 'text/css; charset=utf-8']);
  });

  it('achieving a mission, exchanging its reward for a gift and cancelling the order all show up on the page without a reload', async () => {
    await page.goto(`${gatewayUrl}/`);
    await expect_(page.getByText('Sign in to see your missions')).visible();
    await shot(page, '00-signed-out');
    await signIn(page, customerId, SEEN_WITHIN_MS);
    await page.evaluate(() => Object.assign(window, { loadedOnce: true }));
    await expect_(page.getByText('Nothing here yet')).visible();
    // The demo mission is a development tool of the embedded mode, and says so.
    await expect_(page.locator('#missions .dev-tool')).containsText('Development tool');
    await expect_(catalogItem(page, 'Plush dragon')).containsText('3 available');
    await expect_(catalogItem(page, 'Golden badge')).containsText('Out of stock');
    await shot(page, '01-new-customer');

    // 1. Achieve a demo mission: it appears, then its reward lands in the wallet.
    await page.getByRole('button', { name: 'Achieve a demo mission' }).click();
    await expect_(toasts(page)).containsText('achieved! Your reward is on its way.');
    const mission = page.locator('#missions li[data-mission-code]');
    await expect_(mission).count(1);
    await expect_(mission).containsText('Rewarded');
    const reward = page.locator('#wallet li.reward');
    await expect_(reward).count(1);
    await expect_(reward.locator('.badge')).containsText('Available');
    await shot(page, '02-mission-rewarded');

    // 2. Exchange it for the plush dragon (the out-of-stock badge cannot be chosen).
    const giftChoice = reward.getByLabel('Gift');
    expect(await giftChoice.locator('option[value="golden-badge"]').isDisabled()).to.equal(true);
    await giftChoice.selectOption('plush-dragon');
    const exchangeCall = page.waitForRequest((request) => request.method() === 'POST' && request.url().includes(':exchange'));
    await reward.getByRole('button', { name: 'Exchange' }).click();
    const sent = (await exchangeCall).postDataJSON() as { giftId: string; idempotencyKey: string };
    expect(sent.giftId).to.equal('plush-dragon');
    expect(sent.idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
    await expect_(toasts(page)).containsText('Exchanged! Plush dragon is ordered');
    await expect_(reward.locator('.badge')).containsText('Exchanged');
    const order = page.locator('#orders li.order');
    await expect_(order).count(1);
    await expect_(order).containsText('Plush dragon');
    await expect_(order).containsText('Shipping');
    await expect_(order.locator('.delivery')).containsText('On the way');
    await expect_(catalogItem(page, 'Plush dragon')).containsText('2 available');

    // 3. The notifications tell the same story, with an unread count.
    const notifications = page.locator('#notifications li.notification');
    await expect_(notifications.filter({ hasText: 'Your reward was exchanged for Plush dragon.' })).count(1);
    await expect_(notifications.filter({ hasText: 'Plush dragon is on its way.' })).count(1);
    expect(await notifications.count(), 'achieved, reward issued, exchanged, on its way').to.equal(4);
    await expect_(page.getByTestId('unread-count')).hasText('4');
    await shot(page, '03-exchanged-order-shipping');
    await phoneShot('phone-03-exchanged-order-shipping');

    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await expect_(page.getByTestId('unread-count')).count(0);
    await expect_(page.locator('#notifications li.notification.unread')).count(0);

    // 4. Cancel the order: the delivery is cancelled and the reward is available again.
    await order.getByRole('button', { name: /Cancel order/ }).click();
    await expect_(toasts(page)).containsText('cancelled. Your reward is going back to your wallet.');
    await expect_(order.locator('.badge').first()).containsText('Cancelled');
    await expect_(order.locator('.delivery')).containsText('Cancelled');
    await expect_(order.getByRole('button', { name: /Cancel order/ })).count(0);
    await expect_(reward.locator('.badge')).containsText('Available');
    await expect_(reward).containsText('Back in your wallet: the Plush dragon order was cancelled');
    await expect_(catalogItem(page, 'Plush dragon')).containsText('3 available');
    await expect_(notifications.filter({ hasText: 'Your order for Plush dragon was cancelled.' })).count(1);
    await expect_(notifications.filter({ hasText: 'Your reward is back in your wallet' })).count(1);
    await expect_(page.getByTestId('unread-count')).hasText('2');
    await shot(page, '04-order-cancelled-reward-back');

    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), 'the page was never reloaded').to.equal(
      true,
    );
  });

  it('on a phone-sized screen the page is one column with nothing wider than the screen', async () => {
    const mobile = await phone.newPage();
    await mobile.goto(`${gatewayUrl}/`);
    await signIn(mobile, customerId, SEEN_WITHIN_MS);
    await expect_(mobile.locator('#wallet li.reward')).count(1);
    await expect_(mobile.locator('#orders li.order')).count(1);
    const layout = await mobile.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      panelLefts: [...document.querySelectorAll('.panel')].map((panel) => Math.round(panel.getBoundingClientRect().left)),
    }));
    expect(layout.scrollWidth, 'no sideways scrolling').to.be.at.most(390);
    expect(layout.panelLefts).to.have.length(5);
    expect(new Set(layout.panelLefts).size, 'every panel starts at the same left edge').to.equal(1);
    await mobile.screenshot({ path: `${SCREENSHOTS}/phone-04-order-cancelled.png`, fullPage: true });
    await mobile.close();
  });

  it('with the connection gone the page says it cannot reach the server and keeps trying, then recovers by itself', async () => {
    await desktop.setOffline(true);
    const notice = page.getByTestId('connection-notice');
    await expect_(notice).hasText("Can't reach the server. Check your connection; we'll keep trying.");
    expect(await page.locator('#toast-area').getAttribute('aria-live')).to.equal('polite');
    await shot(page, '05-offline');
    await desktop.setOffline(false);
    await expect_(notice).count(0);
  });

  it('with the gift shop down, an exchange shows the person "the gift shop is busy, try again in N seconds" from the open breaker', async () => {
    // A phone has the page open too, with the catalog loaded while the gift shop was up.
    const mobile = await phone.newPage();
    await mobile.goto(`${gatewayUrl}/`);
    await signIn(mobile, customerId, SEEN_WITHIN_MS);
    const phoneReward = mobile.locator('#wallet li.reward');
    await expect_(phoneReward.getByRole('button', { name: 'Exchange' })).enabled();

    await gift.stop();
    const reward = page.locator('#wallet li.reward');
    await expect_(reward.locator('.badge')).containsText('Available');
    // The catalog can no longer be refreshed; the last stock seen stays on screen.
    await expect_(page.locator('#catalog .panel-note')).containsText("gift shop isn't answering");

    // First try: the wallet's attempts fail and open the breaker (threshold 2).
    await reward.getByRole('button', { name: 'Exchange' }).click();
    await expect_(toasts(page)).containsText('The gift shop is busy right now.');
    await expect_(reward.getByRole('button', { name: 'Exchange' })).enabled();

    // Second try: the open breaker answers at once with when to come back (retry-after-ms).
    const answer = page.waitForResponse((response) => response.url().includes(':exchange'));
    await reward.getByRole('button', { name: 'Exchange' }).click();
    const refused = await answer;
    expect(refused.status()).to.equal(503);
    const headers = await refused.allHeaders();
    expect(headers['error-code']).to.equal('GIFT_SHOP_UNAVAILABLE');
    const retryAfterMs = Number(headers['retry-after-ms']);
    expect(retryAfterMs).to.be.within(1000, 3000);

    const busy = page.locator('#toast-area .toast-error').filter({ hasText: BUSY_MESSAGE }).last();
    await expect_(busy).visible();
    expect(
      await page.locator('#toast-area .toast').filter({ hasText: 'gift shop' }).count(),
      "the second answer replaced the first one's toast",
    ).to.equal(1);
    const seconds = Number(BUSY_MESSAGE.exec((await busy.textContent()) ?? '')?.[1]);
    expect(seconds).to.equal(Math.ceil(retryAfterMs / 1000));
    expect(await busy.textContent(), 'no status codes or server wording shown').to.not.match(/503|UNAVAILABLE|GIFT_SHOP|grpc|;/i);
    await expect_(reward.locator('.badge')).containsText('Available');
    await shot(page, '06-gift-shop-busy');

    await phoneReward.getByRole('button', { name: 'Exchange' }).click();
    await expect_(mobile.locator('#toast-area .toast-error').filter({ hasText: BUSY_MESSAGE })).visible();
    await mobile.screenshot({ path: `${SCREENSHOTS}/phone-06-gift-shop-busy.png` });
    await mobile.close();
  });

  it('signing out clears the page: no customer, no panels, no token left in the browser; signing in again shows the page', async () => {
    await expect_(page.getByTestId('signed-in-as')).hasText(customerId);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect_(page.getByTestId('signed-in-as')).count(0);
    await expect_(page.locator('.panel')).count(0);
    await expect_(page.getByText('Sign in to see your missions')).visible();
    await expect_(page.locator('#toast-area .toast')).count(0);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored, 'no token kept in storage or cookies of the page').to.not.match(/eyJ[A-Za-z0-9_-]{10,}/);
    await shot(page, '07-signed-out');
    // Calls without a token are refused by the edge.
    expect((await fetch(`${gatewayUrl}/v1/customers/${customerId}/my-page`)).status).to.equal(401);
    await signIn(page, customerId, SEEN_WITHIN_MS);
    await expect_(page.locator('#orders li.order')).count(1);
  });

  async function shot(on: Page, name: string): Promise<void> {
    await on.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  }

  /** The same customer's page on a phone, at this moment of the story. */
  async function phoneShot(name: string): Promise<void> {
    const mobile = await phone.newPage();
    await mobile.goto(`${gatewayUrl}/`);
    await signIn(mobile, customerId, SEEN_WITHIN_MS);
    await expect_(mobile.locator('#orders li.order')).count(1);
    await mobile.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    await mobile.close();
  }
});

function toasts(page: Page): Locator {
  return page.locator('#toast-area');
}

function catalogItem(page: Page, name: string): Locator {
  return page.locator('#catalog li').filter({ hasText: name });
}

/**
 * Waits (up to SEEN_WITHIN_MS) for what a person would see: playwright-core has no expect of
 * its own, so these poll the locator the way @playwright/test's assertions do.
 */
function expect_(locator: Locator) {
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + SEEN_WITHIN_MS;
    let last = '';
    for (;;) {
      try {
        if (await check()) return;
      } catch (error) {
        last = String(error);
      }
      if (Date.now() > deadline) {
        const shown = await locator.allTextContents().catch(() => []);
        throw new Error(`${locator} never ${what} within ${SEEN_WITHIN_MS} ms; it shows ${JSON.stringify(shown)} ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    visible: () => until('became visible', () => locator.isVisible()),
    enabled: () => until('became enabled', () => locator.isEnabled()),
    count: (n: number) => until(`counted ${n}`, async () => (await locator.count()) === n),
    hasText: (text: string) => until(`had the text ${JSON.stringify(text)}`, async () => (await locator.textContent())?.trim() === text),
    containsText: (text: string) =>
      until(`contained ${JSON.stringify(text)}`, async () => (await locator.allTextContents()).some((shown) => shown.includes(text))),
  };
}
