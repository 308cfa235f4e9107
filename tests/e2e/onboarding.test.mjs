// Browser end-to-end tests of onboarding customers: the add-customer wizard (the domain's
// checks next to each field, a taken primary domain, the server's refusals on their step, one
// customer however often "Add customer" is clicked), the new customer's Company tab and its
// edit dialog, buying for it and handing over its deep link, its first admin setting a password
// from the invitation link and finding the product key; who may add customers; and the
// billing profile's details as a Global admin changes them — each page checked by axe-core.
import assert from 'node:assert/strict';
import { checkA11y, eventually, signIn, signOut, useApp, waitForPath } from './harness.mjs';

const { pageTest } = useApp();

const CUSTOMER = {
  name: 'Hanseatic Robotics',
  country: 'Germany',
  line1: 'Hauptstraße 1',
  city: 'Berlin',
  postalCode: '10115',
  taxId: 'DE 123456789',
  domain: 'hanseaticrobotics',
  admin: { name: 'Ada Admin', email: 'ada.admin@hanseaticrobotics.example' },
};
const GOOD_PASSWORD = 'violet harbour lantern 42';

/** The wizard's step heading, which takes the focus when the step opens. */
async function atStep(page, path, heading) {
  await waitForPath(page, path);
  await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
}

/** Fills the Company step (the fields that are always there). */
async function fillCompany(page, customer) {
  await page.getByLabel('Company name', { exact: true }).fill(customer.name);
  await page.getByLabel('Country or region', { exact: true }).selectOption({ label: customer.country });
  await page.getByLabel('Address line 1', { exact: true }).fill(customer.line1);
  await page.getByLabel('City', { exact: true }).fill(customer.city);
  await page.getByLabel('Postal code', { exact: true }).fill(customer.postalCode);
}

pageTest('an Admin agent adds a customer, buys for it and hands over its links; its admin sets a password and finds the key', async (page) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'admin.agent@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('link', { name: 'Add customer', exact: true }).click();
  await atStep(page, '/customers/new', 'Company');
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Company'));
  await checkA11y(page, 'the add-customer wizard: Company');

  // Nothing typed: each required field says so, in place.
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const name = page.getByLabel('Company name', { exact: true });
  await eventually(async () => assert.equal(await name.getAttribute('aria-invalid'), 'true'));
  await page.getByText('Choose the country or region from the list.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'company-name', 'the first problem has the focus');
  await checkA11y(page, 'the Company step with its errors');

  await fillCompany(page, CUSTOMER);
  await page.getByText('Prices and invoices in EUR.').waitFor();
  await page.getByLabel('Tax ID (optional)', { exact: true }).fill('<DE 1>');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Enter 2 to 32 letters, digits, spaces or - . / — or leave it empty.').waitFor();
  assert.equal(new URL(page.url()).pathname, '/customers/new');
  await page.getByLabel('Tax ID (optional)', { exact: true }).fill(CUSTOMER.taxId);
  assert.equal(await page.getByText('Enter 2 to 32 letters').count(), 0, 'the error goes once the field is right');
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  // The primary domain: checked by the rule as it is typed, and for availability.
  await atStep(page, '/customers/new/domain', 'Domain');
  const domain = page.getByLabel('Primary domain', { exact: true });
  const status = page.locator('#domain-status');
  assert.equal(await status.getAttribute('role'), 'status');
  await domain.fill('contoso');
  await eventually(async () => assert.equal(await status.innerText(), 'This domain belongs to another customer already. Choose another one.'));
  assert.equal(await domain.getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'the Domain step with a taken domain');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  assert.equal(new URL(page.url()).pathname, '/customers/new/domain', 'a taken domain is not passed');
  await domain.fill('hanseatic-robotics');
  await page.getByText('Use 1 to 27 letters and digits (no spaces, dots or hyphens) before .onmicrosoft.com.').waitFor();
  await domain.fill(CUSTOMER.domain);
  await eventually(async () => assert.equal(await status.innerText(), `${CUSTOMER.domain}.onmicrosoft.com is available.`));
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await atStep(page, '/customers/new/admin', 'First admin');
  await page.getByLabel('Name', { exact: true }).fill(CUSTOMER.admin.name);
  await page.getByLabel('Email', { exact: true }).fill('ada.admin@');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Enter an email address like name@example.com.').waitFor();
  await page.getByLabel('Email', { exact: true }).fill(CUSTOMER.admin.email);
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  // A reload keeps the draft.
  await atStep(page, '/customers/new/review', 'Review');
  await page.reload();
  await atStep(page, '/customers/new/review', 'Review');
  const summary = page.locator('dl.summary');
  for (const text of [CUSTOMER.name, 'Germany', 'EUR', CUSTOMER.taxId, `${CUSTOMER.domain}.onmicrosoft.com`, `${CUSTOMER.admin.name} (${CUSTOMER.admin.email})`]) {
    await summary.getByText(text, { exact: true }).waitFor();
  }
  const add = page.getByRole('button', { name: 'Add customer', exact: true });
  await add.click();
  await page.getByText('Confirm that the customer accepted the Microsoft Customer Agreement.').waitFor();
  await checkA11y(page, 'the Review step with its error');
  await page.getByRole('checkbox', { name: 'The customer accepted the Microsoft Customer Agreement' }).check();
  // A double click adds one customer.
  await add.dblclick();

  await atStep(page, '/customers/new/done', 'Customer added');
  await page.getByRole('status').filter({ hasText: /Hanseatic Robotics was added\. Ada Admin \(ada\.admin@hanseaticrobotics\.example\) is its first admin[\s\S]*works once, for 7 days/ }).waitFor();
  const invitation = new URL(await page.getByRole('textbox', { name: 'Invitation link' }).inputValue());
  assert.equal(invitation.pathname, '/accept-invitation');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), invitation.href);
  await checkA11y(page, 'the confirmation with the invitation link');
  const found = await (await page.request.get(`/api/v1/customers?q=${CUSTOMER.domain}`)).json();
  assert.equal(found.total, 1, 'one customer, however often it was clicked');

  // Its details: the Company tab, and an edit (a problem first, in place).
  await page.getByRole('link', { name: 'Open customer', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: CUSTOMER.name, exact: true }).waitFor();
  const customerPath = new URL(page.url()).pathname;
  await page.getByRole('tab', { name: 'Company', exact: true }).click();
  await waitForPath(page, `${customerPath}/company`);
  const company = page.getByRole('region', { name: 'Company', exact: true });
  await company.getByText(`${CUSTOMER.postalCode} ${CUSTOMER.city}`).waitFor();
  await company.getByText(`${CUSTOMER.admin.name} (${CUSTOMER.admin.email})`).waitFor();
  await company.getByText('admin.agent@northwind.example', { exact: true }).first().waitFor();
  await company.getByText(/ UTC \(.* your time, UTC[+-]\d\d:\d\d\)$/).waitFor();
  await checkA11y(page, 'the Company tab');

  await company.getByRole('button', { name: 'Edit details', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Details of ${CUSTOMER.name}` });
  await dialog.waitFor();
  await dialog.getByLabel('City', { exact: true }).fill('München');
  await dialog.getByLabel('Postal code', { exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Save changes', exact: true }).click();
  await dialog.getByText('This is required.').waitFor();
  await checkA11y(page, 'the edit dialog with its error');
  await dialog.getByLabel('Postal code', { exact: true }).fill('80331');
  await dialog.getByRole('button', { name: 'Save changes', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await company.getByRole('status').filter({ hasText: 'The details were saved.' }).waitFor();
  const change = company.getByRole('table').getByRole('row').filter({ hasText: 'Address' });
  await eventually(async () => assert.match(await change.innerText(), /admin\.agent@northwind\.example[\s\S]*10115 Berlin[\s\S]*80331 München/));

  // Buying for it works like for any customer.
  await page.getByRole('link', { name: 'Add product', exact: true }).click();
  await waitForPath(page, /\/add-product\/product$/);
  await page.getByRole('button', { name: 'Choose Windows Server 2022 Standard', exact: true }).click();
  await waitForPath(page, /\/add-product\/configure$/);
  await page.getByRole('radio', { name: '1 year, paid up front' }).check();
  await page.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForPath(page, /\/add-product\/review$/);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await waitForPath(page, /\/add-product\/pay$/);
  await page.getByRole('checkbox', { name: /I accept the Microsoft Customer Agreement/ }).check();
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await waitForPath(page, /\/add-product\/done$/);
  await page.getByRole('link', { name: 'View software' }).click();
  await page.getByRole('table').getByRole('row').filter({ hasText: 'Windows Server 2022 Standard' }).waitFor();

  // The customer's deep link, copied.
  const deepLink = await page.getByRole('textbox', { name: 'Deep link' }).inputValue();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await eventually(async () => assert.equal(await page.evaluate(() => navigator.clipboard.readText()), deepLink));
  await signOut(page);

  // The admin's invitation sets a password; the deep link shows the key.
  await page.goto(invitation.pathname + invitation.search);
  await page.getByRole('heading', { level: 1, name: 'Set your password', exact: true }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByLabel('Repeat the password', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await waitForPath(page, '/tenant');
  await page.goto(deepLink);
  await page.getByRole('heading', { level: 1, name: `Software for ${CUSTOMER.name}` }).waitFor();
  const card = page.getByRole('article').filter({ hasText: 'Windows Server 2022 Standard' }).first();
  await card.getByRole('button', { name: 'Show key' }).click();
  assert.match(await card.getByRole('textbox', { name: 'Product key' }).inputValue(), /^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/);
});

pageTest('the server\'s refusal of a field is said next to it, on its step; fixed, the same draft adds the customer', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.goto('/customers/new');
  await atStep(page, '/customers/new', 'Company');
  await fillCompany(page, {
    name: 'Sakura Freight', country: 'Japan', line1: '1-1 Marunouchi', city: 'Tokyo', postalCode: '100-0005',
  });
  await page.getByText('Prices and invoices in JPY.').waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await atStep(page, '/customers/new/domain', 'Domain');
  await page.getByLabel('Primary domain', { exact: true }).fill('sakurafreight');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await atStep(page, '/customers/new/admin', 'First admin');
  // The address of a user who exists already.
  await page.getByLabel('Name', { exact: true }).fill('Contoso Admin');
  await page.getByLabel('Email', { exact: true }).fill('admin@contoso.onmicrosoft.com');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await atStep(page, '/customers/new/review', 'Review');
  await page.getByRole('checkbox', { name: 'The customer accepted the Microsoft Customer Agreement' }).check();
  await page.getByRole('button', { name: 'Add customer', exact: true }).click();

  await waitForPath(page, '/customers/new/admin');
  const email = page.getByLabel('Email', { exact: true });
  await page.getByText('This address already has an account.').waitFor();
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.id), 'admin-email'));
  await checkA11y(page, 'the First admin step with the server\'s refusal');

  await email.fill('kenji@sakurafreight.example');
  assert.equal(await page.getByText('This address already has an account.').count(), 0);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await atStep(page, '/customers/new/review', 'Review');
  await page.getByRole('button', { name: 'Add customer', exact: true }).click();
  await atStep(page, '/customers/new/done', 'Customer added');
  await page.getByRole('textbox', { name: 'Invitation link' }).waitFor();
  await page.getByRole('link', { name: 'Buy a product', exact: true }).click();
  await waitForPath(page, /\/add-product\/product$/);
  await page.getByRole('heading', { level: 1, name: 'Add a product for Sakura Freight' }).waitFor();
});

pageTest('an Account admin sees no Add customer and is told who adds customers; the billing details are read only', async (page) => {
  await signIn(page, 'account.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('status').filter({ hasText: /Showing/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Add customer' }).count(), 0);
  await page.goto('/customers/new');
  await page.getByText('You need the Admin agent or Global admin role to add and edit customers.').waitFor();

  await page.goto('/settings/billing');
  await page.getByRole('heading', { level: 1, name: 'Billing profile' }).waitFor();
  await page.getByText('Bank transfer, 30 days net').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save details' }).count(), 0);
  assert.equal(await page.getByRole('textbox', { name: 'Payment method' }).count(), 0);
});

pageTest('a Global admin changes the billing details: a card number is refused next to the field, each change is listed', async (page) => {
  await signIn(page, 'global.admin@northwind.example');
  await waitForPath(page, '/customers');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Billing profile', exact: true }).click();
  await waitForPath(page, '/settings/billing');
  const profile = page.getByRole('region', { name: 'Billing profile', exact: true });
  await profile.getByRole('button', { name: 'Save details', exact: true }).waitFor();
  await checkA11y(page, 'Settings → Billing profile as a Global admin');

  const method = profile.getByRole('textbox', { name: 'Payment method', exact: true });
  await method.fill('Visa 4242 4242 4242 4242');
  await profile.getByRole('button', { name: 'Save details', exact: true }).click();
  await profile.getByText('Enter a reference such as "Visa ending 4242", never a card number.').waitFor();
  assert.equal(await method.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'payment-method');
  await checkA11y(page, 'the billing details with a card number refused');

  await method.fill('Visa ending 4242');
  await profile.getByRole('textbox', { name: 'Invoices sent to', exact: true }).fill('accounts-payable@northwind.example');
  await profile.getByRole('button', { name: 'Save details', exact: true }).click();
  await profile.getByRole('status').filter({ hasText: 'The billing details were saved.' }).waitFor();
  const rows = profile.getByRole('table').getByRole('row');
  await eventually(async () => {
    assert.match(await rows.filter({ hasText: 'Payment method' }).innerText(), /global\.admin@northwind\.example[\s\S]*Bank transfer, 30 days net[\s\S]*Visa ending 4242/);
  });
  await rows.filter({ hasText: 'accounts-payable@northwind.example' }).waitFor();
  await profile.getByText('Visa ending 4242', { exact: true }).first().waitFor();

  // The refund limit's form works as before.
  const limit = page.getByRole('region', { name: 'Self-service refund limit' });
  await limit.getByLabel('New limit', { exact: true }).fill('20000');
  await limit.getByRole('button', { name: 'Save limit' }).click();
  await limit.getByRole('status').filter({ hasText: 'Saved: the refund limit is now 20,000.00.' }).waitFor();
});
