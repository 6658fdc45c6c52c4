// The operational glue that the integration test does not reach: the compose setup script registers
// exactly the search attributes the workflows use, and the dev tokens are made once and kept private.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../config';
import { searchAttributeArgs } from '../../scripts/dev-server';
import { devTokens } from '../../scripts/start';
import { SEARCH_ATTRIBUTES } from '../../workflows/ids';

const root = resolve(__dirname, '..', '..');
const expected = Object.entries(SEARCH_ATTRIBUTES)
  .map(([name, type]) => `${name}=${type}`)
  .sort();

test('the docker-compose setup script registers every search attribute of workflows/ids.ts', () => {
  const script = readFileSync(join(root, 'docker', 'temporal-setup.sh'), 'utf8');
  const list = /^SEARCH_ATTRIBUTES="([^"]*)"$/m.exec(script)?.[1];
  expect(list?.split(' ').sort()).toEqual(expected);
});

test('the dev server is started with every search attribute', () => {
  const args = searchAttributeArgs();
  expect(args.filter((a) => a === '--search-attribute')).toHaveLength(expected.length);
  expect(args.filter((a) => a !== '--search-attribute').sort()).toEqual(expected);
});

describe('dev tokens', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'duban-tokens-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('are made once per role, readable by the owner only, and the same on the next start', () => {
    const first = devTokens(dir);
    expect(first.created).toBe(true);
    expect(first.tokens.map((t) => t.role)).toEqual(['staff', 'manager', 'ops']);
    expect(new Set(first.tokens.map((t) => t.token)).size).toBe(3);
    for (const t of first.tokens) expect(t.token.length).toBeGreaterThanOrEqual(16);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = devTokens(dir);
    expect(second.created).toBe(false);
    expect(second.tokens).toEqual(first.tokens);
  });

  test('a damaged tokens file is reported, not silently replaced', () => {
    writeFileSync(join(dir, 'dev-tokens.json'), '[{"token":"short","actor":"x","role":"staff"}]');
    expect(() => devTokens(dir)).toThrow(ConfigError);
    expect(() => devTokens(dir)).toThrow(/at least 16 characters/);
  });
});
