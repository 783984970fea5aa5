// slowburn's dashboard and HTML report in a real browser: Chromium driven by playwright-core.
//
//   node e2e/test.mjs --base http://127.0.0.1:PORT --report target/e2e/report.html \
//     --upload RUN.fit --out target/e2e
//
// scripts/check-browser.sh makes the demo store, starts `slowburn serve`, writes the report and
// runs this. Each check below runs even when an earlier one failed (a screenshot of the page
// as it was is written as failed-CHECK.png); the process exits 1 if any failed.
//
// The browser: $CHROMIUM, else /usr/bin/chromium. No test framework: node:assert and a list.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    report: { type: 'string' },
    upload: { type: 'string' },
    out: { type: 'string', default: 'target/e2e' },
  },
});
for (const k of ['base', 'report', 'upload']) {
  if (!opt[k]) {
    console.error(`e2e: --${k} is required (usage: test.mjs --base URL --report FILE --upload FIT [--out DIR])`);
    process.exit(2);
  }
}
const base = opt.base.replace(/\/+$/, '');
const origin = new URL(base).origin;
const reportUrl = pathToFileURL(resolve(opt.report)).href;
const uploadPath = resolve(opt.upload);
const out = resolve(opt.out);
mkdirSync(out, { recursive: true });
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
console.log(`e2e: ${executablePath} (Chromium ${browser.version()}), dashboard at ${base}`);

// The dashboard's pages must not load anything from elsewhere either (docs/API.md: no script,
// no font, no CDN); a page's own errors (a script error, a CSP violation) fail the check too.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const strays = [];
page.on('request', (r) => {
  if (new URL(r.url()).origin !== origin) strays.push(r.url());
});
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error') pageErrors.push(m.text());
});

const failures = [];
let current = page;

async function check(name, body) {
  const started = Date.now();
  strays.length = 0;
  pageErrors.length = 0;
  current = page;
  try {
    await body();
    assert.deepEqual(strays, [], 'the dashboard requested something outside itself');
    assert.deepEqual(pageErrors, [], 'the page reported errors');
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures.push(name);
    console.error(`FAIL ${name}\n     ${String(e.message ?? e).replace(/\n/g, '\n     ')}`);
    const shot = join(out, `failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await current.screenshot({ path: shot, fullPage: true }).then(
      () => console.error(`     the page as it was: ${shot}`),
      () => {},
    );
  }
}

async function open(path, expectTitle) {
  const res = await page.goto(base + path, { waitUntil: 'load' });
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), 200, `GET ${path} answered ${res.status()}`);
  if (expectTitle) assert.equal(await page.title(), expectTitle, `the title of ${path}`);
}

async function shot(name) {
  await page.screenshot({ path: join(out, name), fullPage: true });
}

/**
 * Submit a form by clicking `button` and wait for its answer: a 200 page whose heading is
 * `heading`; otherwise fail with the status and the page's message (the error page's words).
 */
async function submit(button, action, heading) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === base + action),
    button.click(),
  ]);
  await page.waitForURL(base + action);
  const h1 = await page.locator('h1').innerText();
  const message = await page.locator('p.message').first().innerText().catch(() => '');
  assert.ok(
    res.status() === 200 && h1 === heading,
    `POST ${action} from the page answered ${res.status()} "${h1}": ${message}`,
  );
  return message;
}

/** The JSON of an API route, fetched by the browser's context (same origin, same cookies). */
async function api(path) {
  const res = await context.request.get(base + path);
  assert.equal(res.status(), 200, `GET ${path} answered ${res.status()}`);
  return res.json();
}

/** The runs table of `/runs`: id, the type cell, and the start cell of each row. */
async function runsTable() {
  return page.$$eval('table tbody tr', (rows) =>
    rows.map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((c) => c.textContent.trim());
      return { id: Number(td[0]), start: td[1], type: td[2], href: tr.querySelector('a')?.getAttribute('href') };
    }),
  );
}

/**
 * What a chart draws, measured as the browser laid it out: its own box, the bars (`g.bars
 * rect`) and the series' marks (`g.series` paths, circles, rects), each with its rendered size
 * and, for paths, its length.
 */
async function chart(root, name) {
  const svg = root.locator(`svg.chart[data-chart="${name}"]`);
  assert.equal(await svg.count(), 1, `one svg.chart[data-chart="${name}"]`);
  await svg.scrollIntoViewIfNeeded();
  assert.ok(await svg.isVisible(), `the ${name} chart is not visible`);
  return svg.evaluate((el) => {
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { w: r.width, h: r.height };
    };
    const figure = el.closest('figure');
    return {
      box: box(el),
      figureId: figure?.id ?? null,
      bars: [...el.querySelectorAll('g.bars rect')].map((r) => ({
        class: r.getAttribute('class'),
        height: Number(r.getAttribute('height')),
        ...box(r),
      })),
      series: [...el.querySelectorAll('g.series')].map((g) => ({
        class: g.getAttribute('class'),
        marks: [...g.children].filter((c) => c.tagName !== 'title').map((c) => ({
          tag: c.tagName,
          length: c.tagName === 'path' ? c.getTotalLength() : 0,
          ...box(c),
        })),
      })),
    };
  });
}

function assertDrawn(c, name) {
  assert.ok(c.box.w > 300 && c.box.h > 100, `${name} is drawn ${c.box.w}×${c.box.h} px`);
  assert.equal(c.figureId, name, `${name} sits in <figure id="${name}">`);
}

function drawnBars(c, name) {
  const bars = c.bars.filter((b) => b.height > 0 && b.h > 0 && b.w > 0);
  assert.ok(bars.length > 0, `${name} has no bar with a height: ${JSON.stringify(c.bars)}`);
  return bars;
}

function drawnSeries(c, name, cls) {
  const s = c.series.find((g) => g.class.split(' ').includes(cls));
  assert.ok(s, `${name} has no series ${cls}: ${JSON.stringify(c.series.map((g) => g.class))}`);
  const marks = s.marks.filter((m) => (m.tag === 'path' ? m.length > 0 : m.w > 0 && m.h > 0));
  assert.ok(marks.length > 0, `${name}'s ${cls} series draws nothing: ${JSON.stringify(s.marks)}`);
  return marks;
}

// 1. The overview: today, the last 12 weeks' review and the trends, with charts that draw data.
await check('overview', async () => {
  await open('/', 'slowburn — overview');
  for (const id of ['today', 'review', 'trends', 'upload']) {
    assert.equal(await page.locator(`section#${id}`).count(), 1, `the overview has section#${id}`);
  }
  const v = await chart(page, 'weekly_volume');
  assertDrawn(v, 'weekly_volume');
  const bars = drawnBars(v, 'weekly_volume');
  assert.ok(bars.some((b) => b.class === 'easy'), 'weekly_volume draws easy time');
  const e = await chart(page, 'easy_share');
  assertDrawn(e, 'easy_share');
  drawnSeries(e, 'easy_share', 'time');
  drawnSeries(e, 'easy_share', 'sessions');
  const l = await chart(page, 'load');
  assertDrawn(l, 'load');
  drawnBars(l, 'load');
  drawnSeries(l, 'load', 'ctl');
  drawnSeries(l, 'load', 'atl');
  await shot('overview.png');
});

// 2. The runs, newest first, each linked to its page; following a link shows that run.
let someRun = null;
await check('runs and a run', async () => {
  await open('/runs', 'slowburn — runs');
  const rows = await runsTable();
  const runs = await api('/api/runs');
  assert.ok(rows.length > 50, `the demo store lists ${rows.length} runs`);
  assert.equal(rows.length, runs.length, '/runs lists as many runs as /api/runs');
  assert.deepEqual(rows.map((r) => r.id), runs.map((r) => r.id).reverse(), '/runs is /api/runs newest first');
  assert.match(await page.locator('p.meta').first().innerText(), new RegExp(`^${rows.length} activities`));
  await shot('runs.png');

  // A run from the middle of the list, clicked as a runner would.
  const target = rows[Math.floor(rows.length / 2)];
  assert.equal(target.href, `/runs/${target.id}`, 'each id links to its page');
  await Promise.all([
    page.waitForURL(`${base}/runs/${target.id}`),
    page.locator(`table tbody a[href="/runs/${target.id}"]`).click(),
  ]);
  assert.equal(await page.title(), `slowburn — run ${target.id}`);
  assert.match(await page.locator('h1').innerText(), new RegExp(`^#${target.id} `));
  const pre = await page.locator('pre').first().innerText();
  assert.match(pre, new RegExp(`^#${target.id} running`), `the run's text starts with its id: ${pre.slice(0, 80)}`);
  const json = runs.find((r) => r.id === target.id);
  assert.ok(pre.includes(json.start_local.slice(0, 19)), `the run's text shows its start ${json.start_local}`);
  assert.match(pre, /distance\s+\d+\.\d\d km/, 'the run\'s text shows its distance');
  assert.ok(await page.locator('section#zones table tbody tr').count() >= 3, 'time in zones is listed');
  assert.equal(await page.locator('section#label form select[name="run_type"]').count(), 1, 'the label form is there');
  someRun = target;
  await shot('run.png');
});

// 3. An upload through the form: the corpus's run is imported and then listed.
let uploaded = null;
await check('upload', async () => {
  await open('/runs', 'slowburn — runs');
  const before = await runsTable();
  const input = page.locator('section#upload form input[type="file"][name="files"]');
  assert.equal(await input.count(), 1, 'the upload form has one file input named files');
  await input.setInputFiles(uploadPath);
  const message = await submit(page.locator('section#upload form button[type="submit"]'), '/upload', 'Imported');
  assert.equal(await page.title(), 'slowburn — imported');
  assert.match(message, /^1 imported, 0 duplicate, 0 failed\b/, `the upload's answer: ${message}`);
  const pre = await page.locator('pre').innerText();
  assert.match(pre, /^\s*imported\s+1$/m, `the import's report: ${pre}`);
  assert.match(pre, /^\s*failed\s+0$/m, `the import's report: ${pre}`);
  await shot('upload.png');

  await Promise.all([page.waitForURL(`${base}/runs`), page.locator('a[href="/runs"]').last().click()]);
  const after = await runsTable();
  assert.equal(after.length, before.length + 1, `/runs lists ${after.length} runs after the upload, ${before.length} before`);
  const known = new Set(before.map((r) => r.id));
  const fresh = after.filter((r) => !known.has(r.id));
  assert.equal(fresh.length, 1, 'one new run');
  const json = (await api('/api/runs')).find((r) => r.id === fresh[0].id);
  assert.ok(json, `/api/runs has the new run ${fresh[0].id}`);
  // python-fitparse/2013-02-06-12-11-14.fit starts 2013-02-06T12:11:14Z. The file has no UTC
  // offset and the demo has no time zone configured, so its local start may be unknown (and
  // the table's start cell empty); when it is known it must be that day.
  assert.equal(json.start_utc, '2013-02-06T12:11:14Z', `the new run's start_utc`);
  assert.equal(json.sport, 'running');
  assert.equal(json.device, 'garmin fr110');
  if (json.start_local !== null || fresh[0].start !== '') {
    assert.match(fresh[0].start, /^2013-02-0[567][T ]/, `the new run's start in /runs: ${fresh[0].start}`);
  }
  uploaded = json;
  await page.locator(`table tbody a[href="/runs/${fresh[0].id}"]`).scrollIntoViewIfNeeded();
  await shot('runs-after-upload.png');
});

// 4. A label given on the run's page shows everywhere: the run's page, /runs, /api/runs.
await check('label', async () => {
  const run = uploaded ?? someRun;
  assert.ok(run, 'no run to label (the checks before failed)');
  const id = run.id;
  const was = (await api('/api/runs')).find((r) => r.id === id).run_type;
  const type = was === 'tempo' ? 'threshold' : 'tempo';
  await open(`/runs/${id}`, `slowburn — run ${id}`);
  await page.locator('section#label select[name="run_type"]').selectOption(type);
  const message = await submit(
    page.locator('section#label form[action$="/label"] button[type="submit"]'),
    `/runs/${id}/label`,
    'Labelled',
  );
  assert.ok(message.includes(`activity ${id}`) && message.includes(type), `the label's answer: ${message}`);
  await shot('label.png');

  await Promise.all([page.waitForURL(`${base}/runs/${id}`), page.locator(`a[href="/runs/${id}"]`).click()]);
  assert.equal(
    await page.locator('section#label select[name="run_type"]').inputValue(),
    type,
    'the run\'s page shows the label in its form',
  );
  assert.match(await page.locator('pre').first().innerText(), new RegExp(`type\\s+${type}\\b`), 'the run\'s text shows the type');

  await open('/runs', 'slowburn — runs');
  const row = (await runsTable()).find((r) => r.id === id);
  assert.equal(row?.type, type, `/runs shows run ${id} as ${type} (was ${was})`);
  const json = (await api('/api/runs')).find((r) => r.id === id);
  assert.equal(json.run_type, type, `/api/runs: run ${id}'s run_type`);
  assert.equal(json.label, type, `/api/runs: run ${id}'s label`);
  assert.equal((await api(`/api/runs/${id}`)).run_type, type, `/api/runs/${id}: run_type`);
  await page.locator(`table tbody a[href="/runs/${id}"]`).scrollIntoViewIfNeeded();
  await shot('runs-after-label.png');
});

// 5. The report from disk: it renders whole and asks the network for nothing at all.
// A context of its own, so that nothing of the dashboard's is in it.
const reportContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const p = await reportContext.newPage();
const requests = [];
p.on('request', (r) => requests.push(r.url()));
const errors = [];
p.on('pageerror', (e) => errors.push(e.message));
p.on('console', (m) => {
  if (m.type() === 'error') errors.push(m.text());
});
await check('report', async () => {
  current = p;
  const res = await p.goto(reportUrl, { waitUntil: 'load' });
  assert.ok(res, `no response for ${reportUrl}`);
  // Lazy loads (an image scrolled into view, a font) would come after `load`.
  await p.mouse.wheel(0, 100_000);
  await p.waitForTimeout(500);
  const title = await p.title();
  assert.match(title, /^slowburn/, `the report's title: ${title}`);
  for (const id of ['today', 'review', 'trends', 'plan']) {
    const s = p.locator(`section#${id}`);
    assert.equal(await s.count(), 1, `the report has section#${id}`);
    assert.ok(await s.isVisible(), `section#${id} is visible`);
  }
  const ids = await p.$$eval('svg.chart', (s) => s.map((e) => e.dataset.chart));
  assert.ok(ids.length >= 5, `the report has ${ids.length} charts (${ids.join(', ')}), at least 5 expected`);
  for (const name of ids) assertDrawn(await chart(p, name), name);
  // Twelve weeks of review: the weekly series are lines here, not single points.
  const v = await chart(p, 'weekly_volume');
  assert.ok(drawnBars(v, 'weekly_volume').length >= 12, 'weekly_volume draws at least 12 bars over 12 weeks');
  const e = await chart(p, 'easy_share');
  assert.ok(drawnSeries(e, 'easy_share', 'time').some((m) => m.tag === 'path'), 'easy_share draws its line');
  const l = await chart(p, 'load');
  assert.ok(drawnSeries(l, 'load', 'ctl').some((m) => m.tag === 'path'), 'load draws the fitness line');
  assert.ok(ids.includes('plan_calendar'), 'the plan\'s calendar is charted');
  await p.screenshot({ path: join(out, 'report.png'), fullPage: true });
  const others = requests.filter((u) => u !== reportUrl);
  assert.deepEqual(others, [], 'the report requested something besides itself');
  assert.deepEqual(errors, [], 'the report reported errors');
});
await reportContext.close();

await browser.close();
if (failures.length > 0) {
  console.error(`e2e: ${failures.length} check(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log(`e2e: all checks passed; screenshots in ${out}`);
