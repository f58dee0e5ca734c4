import type { Page } from 'playwright-core';

/** Fills the portal's sign-in form as a person would. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Fills a new password and its repetition (first sign-in and reset), then presses `button`. */
export async function submitNewPassword(page: Page, button: string, password: string, repeated = password): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Repeat new password').fill(repeated);
  await page.getByRole('button', { name: button }).click();
}

export async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The stored session of the tab (sessionStorage), as the portal keeps it. */
export async function storedSession(page: Page): Promise<{ idToken: string; refreshToken: string | null; expiresAt: number } | null> {
  return page.evaluate(() => {
    const raw = sessionStorage.getItem('signoff.portal.session');
    return raw ? JSON.parse(raw) : null;
  });
}
