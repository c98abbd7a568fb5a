import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 11 §6: every `npx da2en` printed `npm warn Unknown project config "onnxruntime-node-install"`.
// The project's npm configuration must be silent, and onnxruntime-node's postinstall (which on
// linux/x64 fetches the CUDA provider from nuget.org) must stay blocked by allowScripts instead.
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('npm configuration', () => {
  it('npm run in the project prints no warning', () => {
    const result = spawnSync('npm', ['exec', '--offline', '-c', 'true'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'warn' },
    });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/npm warn/i);
  });

  it('every dependency with an install script is decided in allowScripts; onnxruntime-node is denied', () => {
    const allow = pkg.allowScripts ?? {};
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('onnxruntime-node');
    for (const name of new Set(withScripts)) expect(Object.keys(allow), name).toContain(name);
    expect(allow['onnxruntime-node']).toBe(false);
  });
});
