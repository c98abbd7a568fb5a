import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot, packageRoot, packageVersion } from '../../src/package-root.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-package-root-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('findPackageRoot', () => {
  it('walks up to the package.json that names the package, past other packages’ ones and unreadable ones', () => {
    const top = path.join(tmp, 'da2en');
    const deep = path.join(top, 'node_modules', 'other', 'dist', 'chunks');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(top, 'package.json'), JSON.stringify({ name: 'da2en', version: '9.9.9' }));
    writeFileSync(path.join(top, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other' }));
    writeFileSync(path.join(top, 'node_modules', 'other', 'dist', 'package.json'), '{ not json');
    expect(findPackageRoot(deep)).toBe(top);
    expect(findPackageRoot(top)).toBe(top);
    expect(findPackageRoot(deep, 'other')).toBe(path.join(top, 'node_modules', 'other'));
  });

  it('finds nothing where no package.json names it', () => {
    expect(findPackageRoot(tmp, 'no-such-package-name')).toBeUndefined();
  });

  it('finds this checkout from the source, and its version', () => {
    expect(packageRoot()).toBe(path.resolve(import.meta.dirname, '../..'));
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
