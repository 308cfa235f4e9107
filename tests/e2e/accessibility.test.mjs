// Accessibility, checked by axe-core (WCAG 2.1 A and AA, and axe's best practices such as
// content inside landmarks and landmarks with distinct names) on every page and dialog of the app,
// as each kind of user meets them — with form errors showing where a form has them, and in
// Chinese too. Any violation fails, naming the rule and the elements.
import { checkA11y, signIn, useApp, waitForPath, signOut } from './harness.mjs';

const { pageTest } = useApp();

/** Contoso's details page, opened through the list as a partner user does. */
async function openContoso(page) {
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso.onmicrosoft');
  await page.getByRole('table').getByRole('link', { name: 'Contoso Ltd', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Contoso Ltd', exact: true }).waitFor();
}

pageTest('signed out: the sign-in page, with its errors, in English and Chinese; the not-found page', async (page) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await checkA11y(page, 'the sign-in page');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('[aria-invalid="true"]').first().waitFor();
  await checkA11y(page, 'the sign-in page with its errors');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
  await checkA11y(page, 'the sign-in page in Chinese');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await page.goto('/no-such-page');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await checkA11y(page, 'the not-found page');
});

pageTest('an Admin agent: customers, a customer\'s tabs, an order, the cancel dialog, the wizard, invoices, support, settings', async (page) => {
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('table').getByRole('link').first().waitFor();
  await checkA11y(page, 'the customer list');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Billing profile' }).waitFor();
  await checkA11y(page, 'the settings menu, open');
  await page.keyboard.press('Escape');

  await openContoso(page);
  await page.getByRole('table').getByRole('row').nth(1).waitFor();
  await checkA11y(page, 'a customer\'s Software tab');
  await page.getByRole('button', { name: 'Cancel Windows Server 2022 Datacenter', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Cancel Windows Server 2022 Datacenter' });
  await dialog.getByText(/days left to cancel/).waitFor();
  await checkA11y(page, 'the cancel dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await page.getByRole('tab', { name: 'Orders' }).click();
  await page.getByRole('table').getByRole('link').first().waitFor();
  await checkA11y(page, 'a customer\'s Orders tab');
  await page.getByRole('table').getByRole('link').first().click();
  await page.getByText('Placed the order').waitFor();
  await checkA11y(page, 'an order with its history');
  await page.getByRole('link', { name: 'Back to orders' }).click();
  await page.getByRole('tab', { name: 'Invoices & credits' }).click();
  await page.getByText('Invoice number').waitFor();
  await checkA11y(page, 'a customer\'s Invoices & credits tab');

  await page.getByRole('link', { name: 'Add product', exact: true }).click();
  await waitForPath(page, /\/add-product\/product$/);
  await page.getByRole('button', { name: 'Choose Windows Server 2022 Standard', exact: true }).waitFor();
  await checkA11y(page, 'the wizard: product');
  await page.getByRole('button', { name: 'Choose Windows Server 2022 Standard', exact: true }).click();
  await waitForPath(page, /\/add-product\/configure$/);
  await page.getByRole('spinbutton', { name: 'Quantity' }).fill('0');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText(/Enter a quantity from/).waitFor();
  await checkA11y(page, 'the wizard: configure, with an error');
  await page.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForPath(page, /\/add-product\/review$/);
  await page.getByRole('heading', { name: 'Review' }).waitFor();
  await checkA11y(page, 'the wizard: review');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForPath(page, /\/add-product\/pay$/);
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.getByText('Accept the terms to place the order.').waitFor();
  await checkA11y(page, 'the wizard: pay, with an error');

  await page.goto('/invoices');
  await page.getByText('Invoice number').waitFor();
  await checkA11y(page, 'the invoices');
  await page.goto('/support');
  await page.getByRole('table').getByRole('link').first().waitFor();
  await checkA11y(page, 'the partner\'s support requests');
  await page.getByRole('table').getByRole('link').first().click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await checkA11y(page, 'a support request, as its partner sees it');
  await page.goto('/support/new');
  await page.getByRole('heading', { level: 1, name: 'Report a problem' }).waitFor();
  await checkA11y(page, 'Report a problem');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('alert').filter({ hasText: 'Check the highlighted fields.' }).waitFor();
  await checkA11y(page, 'Report a problem, with its errors');
  await page.goto('/settings/billing');
  await page.getByRole('heading', { name: 'Self-service refund limit' }).waitFor();
  await checkA11y(page, 'the billing profile, read only');
  await page.goto('/activity-log');
  await page.getByRole('alert').filter({ hasText: 'Global admin' }).waitFor();
  await checkA11y(page, 'the activity log, refused');
});

pageTest('a Global admin: the activity log and the billing profile\'s form', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto('/activity-log');
  await page.getByRole('table').getByRole('row').nth(1).waitFor();
  await checkA11y(page, 'the activity log');
  await page.goto('/settings/billing');
  const field = page.getByRole('textbox', { name: 'New limit' });
  await field.fill('-1');
  await page.getByRole('button', { name: 'Save limit' }).click();
  await page.locator('#refund_limit-error').waitFor();
  await checkA11y(page, 'the billing profile, with an error');
});

pageTest('a support agent: the console and a request with its status form', async (page) => {
  await signIn(page, 'support@csp-support.example');
  await waitForPath(page, '/support');
  await page.getByRole('table').getByRole('link').first().waitFor();
  await checkA11y(page, 'the support console');
  const requests = await (await page.request.get('/api/v1/support-requests?status=new')).json();
  await page.goto(`/support/${requests.items[0].id}`);
  await page.getByLabel('Approve').check();
  await page.getByLabel(/^Refund and cancel the purchase/).waitFor();
  await checkA11y(page, 'a request in the console, approving');
});

pageTest('a customer user: the tenant page and the software with a key shown', async (page) => {
  await signIn(page, 'admin@contoso.onmicrosoft.com');
  await waitForPath(page, '/tenant');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await checkA11y(page, 'the tenant page');
  await page.goto('/admin-center/billing/products/software');
  const card = page.getByRole('article').filter({ hasText: 'Windows Server 2022 Datacenter' }).first();
  await card.getByRole('button', { name: 'Show key' }).click();
  await card.getByRole('button', { name: 'Copy key' }).first().waitFor();
  await checkA11y(page, 'the customer\'s software, a key shown');
  await signOut(page);
});
