#!/usr/bin/env node
// Validates RenderDocument directives with Amazon's APL validator (apl-suggester).
// Reads [{"name": ..., "directive": {...}}, ...] as JSON from a file or stdin (as
// `python -m skill.screen.samples` prints it) and checks each document twice: as sent, and
// with every plain `${payload.…}` binding replaced by its value from the directive's data
// source, so the values themselves meet the properties they fill. Prints one line per
// problem and exits 1 if there is any (warnings included), 2 if the input is unusable.
'use strict';

const fs = require('fs');
const { StaticAplTemplateValidator } = require('apl-suggester');

const BINDING = /^\$\{(payload(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\}$/;

function lookup(root, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), root);
}

// The document with each string that is exactly one payload binding replaced by its value.
function inline(node, payload) {
  if (Array.isArray(node)) return node.map((item) => inline(item, payload));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, payload)]));
  }
  if (typeof node === 'string') {
    const match = BINDING.exec(node);
    if (match) {
      const value = lookup({ payload }, match[1]);
      if (['string', 'number', 'boolean'].includes(typeof value)) return value;
    }
  }
  return node;
}

async function problems(validator, document) {
  const warn = console.warn;
  console.warn = () => {};  // the validator's notes to itself ("No mixin for component")
  try {
    return await validator.validate(document);
  } finally {
    console.warn = warn;
  }
}

async function main() {
  const source = process.argv[2] ? fs.readFileSync(process.argv[2], 'utf8') : fs.readFileSync(0, 'utf8');
  let samples;
  try {
    samples = JSON.parse(source);
    if (!Array.isArray(samples) || samples.length === 0) throw new Error('expected a non-empty array');
  } catch (error) {
    console.error(`validate.js: unusable input: ${error.message}`);
    return 2;
  }
  const validator = new StaticAplTemplateValidator();
  const seen = new Set();
  let count = 0;
  for (const { name, directive } of samples) {
    const checks = [['as sent', directive.document],
                    ['with its data', inline(directive.document, directive.datasources)]];
    for (const [how, document] of checks) {
      for (const problem of await problems(validator, document)) {
        const line = `${problem.level} ${problem.path}: ${problem.errorMessage}`;
        if (seen.has(line)) continue;
        seen.add(line);
        count += 1;
        console.log(`${name} (${how}): ${line}`);
      }
    }
  }
  console.log(`${samples.length} directives checked, ${count} problems`);
  return count ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`validate.js: ${error.stack || error}`);
  process.exit(2);
});
