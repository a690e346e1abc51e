// Drives the review page in headless Chromium: walks every item (image shown, boxes drawn for grounding), then
// decides with the keyboard as two reviewers. Prints what it decided as JSON; review_e2e.sh checks the catalog.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [url, executablePath] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
const fail = async (message) => {
  console.error('review.mjs: ' + message);
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  const itemId = () => page.textContent('#item-id');
  // Shows item `id` under "all": back to the first item, then "n" until it is there.
  const goTo = async (id, total) => {
    await page.selectOption('#filter', 'pending');
    await page.selectOption('#filter', '');
    await page.waitForFunction((n) => document.getElementById('position').textContent === 'Item 1 of ' + n, total);
    await page.click('#question');
    for (let k = 0; k < total && (await itemId()) !== id; k++) {
      const before = await itemId();
      await page.keyboard.press('n');
      await page.waitForFunction((i) => document.getElementById('item-id').textContent !== i, before);
    }
    if ((await itemId()) !== id) await fail('cannot find item ' + id);
  };
  await page.waitForFunction(() => document.getElementById('item-id').textContent !== '');

  // Walk every item with "n" under "all": each shows its image, grounding items their target box.
  await page.selectOption('#filter', '');
  await page.waitForFunction(() => document.getElementById('position').textContent.startsWith('Item 1 of'));
  const total = Number((await page.textContent('#position')).split(' of ')[1]);
  const seen = [];
  for (let k = 0; k < total; k++) {
    await page.waitForFunction((n) => document.getElementById('position').textContent.startsWith('Item ' + n + ' of'), k + 1);
    await page.waitForFunction(() => document.getElementById('image').complete && document.getElementById('image').naturalWidth > 0);
    const task = (await page.textContent('#task')).split(' / ')[0];
    const rects = await page.locator('#boxes rect').count();
    if (task === 'grounding' && rects !== 1) await fail('grounding item ' + (await itemId()) + ' shows ' + rects + ' boxes');
    if (task !== 'grounding' && rects !== 0) await fail(task + ' item shows boxes');
    seen.push({ id: await itemId(), task });
    if (k + 1 < total) await page.keyboard.press('n');
  }

  // Alice decides the first three pending items: accept, reject, edit (with markup in the answer).
  await page.selectOption('#filter', 'pending');
  await page.waitForFunction(() => document.getElementById('position').textContent.startsWith('Item 1 of'));
  await page.keyboard.press('a');  // no reviewer name yet: refused, asks for one
  await page.waitForFunction(() => document.getElementById('message').textContent === 'Enter your name first.');
  await page.fill('#reviewer', 'alice');
  await page.click('#question');  // out of the name field, so the keys are shortcuts again
  const decided = {};
  for (const key of ['a', 'r', 'e']) {
    const id = await itemId();
    decided[id] = key;
    await page.keyboard.press(key);
    if (key === 'e') {
      await page.fill('#edit', '<b>7</b>');
      await page.keyboard.press('Control+Enter');
    }
    await page.waitForFunction((i) => document.getElementById('message').textContent.endsWith(': ' + i), id);
    await page.waitForFunction((i) => document.getElementById('item-id').textContent !== i, id);
  }

  // Bob rejects the item Alice accepted: the later decision is kept.
  await page.fill('#reviewer', 'bob');
  const accepted = Object.keys(decided).find((id) => decided[id] === 'a');
  await goTo(accepted, total);
  await page.keyboard.press('r');
  await page.waitForFunction((i) => document.getElementById('message').textContent === 'reject: ' + i, accepted);

  // The edited answer is shown as text, never as markup.
  const edited = Object.keys(decided).find((id) => decided[id] === 'e');
  await goTo(edited, total);
  if ((await page.textContent('#status')).indexOf('<b>7</b>') < 0) await fail('the edited answer is not shown as text');
  if ((await page.locator('#status b').count()) !== 0) await fail('the edited answer was rendered as markup');
  const progress = await page.textContent('#progress');
  if (errors.length) await fail('page errors: ' + errors.join('; '));
  // All of the above ran under the page's own Content-Security-Policy (no bypassCSP): inline script stays refused.
  const inlineRan = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.head.append(script);
    return window.inlineRan === true;
  });
  if (inlineRan) await fail('the page ran an inline script: its Content-Security-Policy is not in force');
  console.log(JSON.stringify({ total, seen, decided, accepted, edited, progress }));
} catch (error) {
  await fail(error.stack || String(error));
}
await browser.close();
