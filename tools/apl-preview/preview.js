#!/usr/bin/env node
// Renders sample screens to PNG with Amazon's APL web renderer (apl-viewhost-web) in headless
// Chromium: every chosen sample on every viewport profile, into ./out (git-ignored).
//   python -m skill.screen.samples | node tools/apl-preview/preview.js [--all] [NAME ...]
// A step with countdowns is shown 3 seconds into its first timed segment (its times are shifted
// so), and again once the last has ended.
//   ... | node preview.js --observe 500,2500,...
// renders the first directive read and prints, as JSON, the text on screen at each of those
// milliseconds after it rendered: the countdown as a person would watch it.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const OUT = path.join(__dirname, 'out');
const SETTLE_MS = 1500;
const INTO_SEGMENT_MS = 3000;
const DEFAULT_SAMPLES = ['menu', 'spiral-twist-2', 'leg-cramp-massage-2', 'cramp-prevention-1',
                         'welcome-back', 'pain', 'spiral-twist-done'];
// Amazon's viewport profiles, in dp (dpi 160, so one pixel is one dp).
const VIEWPORTS = {
  'hub-round-small': { width: 480, height: 480, shape: 'ROUND', mode: 'HUB' },
  'hub-landscape-small': { width: 960, height: 480, shape: 'RECTANGLE', mode: 'HUB' },
  'hub-landscape-medium': { width: 960, height: 600, shape: 'RECTANGLE', mode: 'HUB' },
  'hub-landscape-large': { width: 1280, height: 800, shape: 'RECTANGLE', mode: 'HUB' },
  'hub-landscape-xlarge': { width: 1920, height: 1200, shape: 'RECTANGLE', mode: 'HUB' },
  'hub-portrait-medium': { width: 800, height: 1280, shape: 'RECTANGLE', mode: 'HUB' },
  'tv-landscape-xlarge': { width: 960, height: 540, shape: 'RECTANGLE', mode: 'TV' },
};
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The directive with its countdown times moved by `shift` ms (earlier when positive).
function shifted(directive, shift) {
  const copy = JSON.parse(JSON.stringify(directive));
  const screen = copy.datasources.screen;
  for (const segment of screen.countdowns) {
    for (const key of ['from', 'start', 'end']) segment[key] -= shift;
  }
  screen.end -= shift;
  return copy;
}

// The moments worth a picture: 3 s into the first segment, and after the last.
function moments(directive) {
  const screen = directive.datasources.screen;
  if (!screen || !screen.timed) return [['', directive]];
  const first = screen.countdowns[0].start;
  return [['', shifted(directive, first + INTO_SEGMENT_MS - SETTLE_MS)],
          ['-done', shifted(directive, screen.end - SETTLE_MS + 500)]];
}

async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

// The visible text at each moment (ms after the document rendered), one array of lines each.
async function observe(directive, moments) {
  const browser = await launch();
  try {
    const viewport = VIEWPORTS['hub-landscape-medium'];
    const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
    await page.goto('file://' + path.join(__dirname, 'page.html'));
    const state = await page.evaluate(([d, v]) => show(d, v), [directive, viewport]);
    const rendered = Date.now();
    const seen = [];
    for (const moment of moments) {
      await page.waitForTimeout(Math.max(0, rendered + moment - Date.now()));
      const lines = await page.evaluate(() => document.getElementById('view').innerText);
      seen.push({ at: moment, state, lines: lines.split('\n').map((l) => l.trim()).filter(Boolean) });
    }
    return seen;
  } finally {
    await browser.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const samples = JSON.parse(fs.readFileSync(0, 'utf8'));
  const at = args.indexOf('--observe');
  if (at >= 0) {
    const moments = args[at + 1].split(',').map(Number);
    console.log(JSON.stringify(await observe(samples[0].directive, moments)));
    return 0;
  }
  const wanted = args.includes('--all') ? samples.map((s) => s.name)
    : (args.filter((a) => !a.startsWith('--')).length ? args.filter((a) => !a.startsWith('--')) : DEFAULT_SAMPLES);
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await launch();
  let failures = 0;
  try {
    for (const [profile, viewport] of Object.entries(VIEWPORTS)) {
      const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
      page.on('pageerror', (error) => { failures += 1; console.error(`${profile}: ${error.message}`); });
      await page.goto('file://' + path.join(__dirname, 'page.html'));
      for (const name of wanted) {
        const sample = samples.find((s) => s.name === name);
        if (!sample) { failures += 1; console.error(`no sample named ${name}`); continue; }
        for (const [suffix, directive] of moments(sample.directive)) {
          const state = await page.evaluate(([d, v]) => show(d, v), [directive, viewport]);
          if (state !== 'ok') { failures += 1; console.error(`${name} on ${profile}: ${state}`); }
          await page.waitForTimeout(SETTLE_MS);
          const file = path.join(OUT, `${name}${suffix}.${profile}.png`);
          await page.screenshot({ path: file });
          console.log(file);
        }
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => { console.error(error); process.exit(2); });
