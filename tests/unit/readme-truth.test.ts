/** The README describes the code as it is: its source tree and the builder's presets. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/builder/presets.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('its source tree names every folder of src/, and no other', () => {
    const section = readme.slice(readme.indexOf('## How it works'), readme.indexOf('## Tests'));
    const tree = section.slice(section.indexOf('\nsrc/\n'));
    const listed = [...tree.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((m) => m[1]!).sort();
    const folders = readdirSync(path.join(root, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(listed).toEqual(folders);
  });

  it('names the folder of each step of the data flow, and each exists', () => {
    const section = readme.slice(readme.indexOf('## How it works'), readme.indexOf('## Tests'));
    const named = new Set([...section.matchAll(/\b([a-z-]+)\/[a-z-]*(?:\.ts)?/g)].map((m) => m[1]!));
    for (const step of ['io', 'segmentation', 'pipeline', 'engine', 'qa', 'rendering', 'cli']) expect(named, step).toContain(step);
  });

  it('lists the builder presets there are', () => {
    const line = /--preset ([a-z|-]+) --out DIR/.exec(readme);
    expect(line, 'the build-model line').not.toBeNull();
    expect(line![1]!.split('|').sort()).toEqual(Object.keys(PRESETS).sort());
  });

  it('the builder\'s README lists the same presets, in its command line and its table', () => {
    const builder = readFileSync(path.join(root, 'src/builder/README.md'), 'utf8');
    const line = /--preset ([a-z|-]+) --out DIR/.exec(builder);
    expect(line, 'the build-model line').not.toBeNull();
    expect(line![1]!.split('|').sort()).toEqual(Object.keys(PRESETS).sort());
    const rows = [...builder.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!).sort();
    expect(rows).toEqual(Object.keys(PRESETS).sort());
  });
});
