import { test, expect } from '@playwright/test';

test('the app loads', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'HER2 workstation' })).toBeVisible();
});
