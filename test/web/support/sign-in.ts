import type { Page } from 'playwright-core';

/**
 * Signs in as a person would: "Sign in", then the embedded provider's development login page
 * (the customer id as the login name, any password) and its consent page, back to My Page. A
 * browser context that signed in before skips the login page (the provider's session cookie).
 */
export async function signIn(on: Page, who: string, withinMs = 20_000): Promise<void> {
  await on.getByRole('button', { name: 'Sign in' }).click();
  const deadline = Date.now() + withinMs;
  while (
    !(await on
      .getByTestId('signed-in-as')
      .isVisible()
      .catch(() => false))
  ) {
    if (Date.now() > deadline)
      throw new Error(
        `never signed in; the page is at ${on.url()} and says: ${await on
          .locator('body')
          .innerText()
          .catch(() => '')}`,
      );
    if (on.url().includes('/interaction/')) {
      const login = on.locator('input[name="login"]');
      if (await login.isVisible().catch(() => false)) {
        await login.fill(who);
        await on.locator('input[name="password"]').fill('any');
      }
      await Promise.all([on.waitForLoadState('domcontentloaded'), on.locator('button[type="submit"]').first().click()]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const shown = await on.getByTestId('signed-in-as').innerText();
  if (!shown.includes(who)) throw new Error(`signed in as "${shown}", not ${who}`);
}
