// The operational glue that the integration test does not reach: the compose setup script registers
// exactly the search attributes the workflows use, and the dev tokens are made once and kept private.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadTokens, type Config } from '../../config';
import { DYNAMIC_CONFIG_ARGS, searchAttributeArgs } from '../../scripts/dev-server';
import { DEV_UNIT, devTokens } from '../../scripts/start';
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

test('eager activity dispatch is on for the dev server, npm run cluster and docker-compose alike', () => {
  const dynamic = readFileSync(join(root, 'config', 'temporal-cluster-dynamicconfig.yaml'), 'utf8');
  expect(dynamic).toMatch(/^system\.enableActivityEagerExecution:\n {2}- value: true$/m);
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const mounted = / - \.\/config\/temporal-cluster-dynamicconfig\.yaml:(\S+):ro$/m.exec(compose)?.[1];
  expect(mounted).toBeDefined();
  expect(compose).toContain(`DYNAMIC_CONFIG_FILE_PATH: ${mounted}`);
  expect(DYNAMIC_CONFIG_ARGS).toEqual(['--dynamic-config-value', 'system.enableActivityEagerExecution=true']);
});

describe('dev tokens', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'duban-tokens-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('are made once per role, readable by the owner only, and the same on the next start', () => {
    const first = devTokens(dir);
    expect(first.created).toBe(true);
    expect(first.tokens.map((t) => t.role)).toEqual(['staff', 'manager', 'ops', 'unit']);
    expect(first.tokens[3]).toMatchObject({ actor: 'dev-unit', unit: DEV_UNIT });
    expect(new Set(first.tokens.map((t) => t.token)).size).toBe(4);
    for (const t of first.tokens) expect(t.token.length).toBeGreaterThanOrEqual(16);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = devTokens(dir);
    expect(second.created).toBe(false);
    expect(second.tokens).toEqual(first.tokens);
  });

  test('a file from before unit accounts keeps its three tokens and gains a unit token', () => {
    const old = ['staff', 'manager', 'ops'].map((role) => ({
      token: `old-${role}-0123456789abcdef`,
      actor: `dev-${role}`,
      role,
    }));
    writeFileSync(join(dir, 'dev-tokens.json'), JSON.stringify(old));
    const { tokens } = devTokens(dir);
    expect(tokens.slice(0, 3)).toEqual(old);
    expect(tokens[3]).toMatchObject({ role: 'unit', unit: DEV_UNIT });
    expect(devTokens(dir).tokens).toEqual(tokens);
    expect(statSync(join(dir, 'dev-tokens.json')).mode & 0o777).toBe(0o600);
  });

  test('a damaged tokens file is reported, not silently replaced', () => {
    writeFileSync(join(dir, 'dev-tokens.json'), '[{"token":"short","actor":"x","role":"staff"}]');
    expect(() => devTokens(dir)).toThrow(ConfigError);
    expect(() => devTokens(dir)).toThrow(/at least 16 characters/);
  });
});

describe('API tokens', () => {
  const load = (json: unknown) => loadTokens({ tokens: { json: JSON.stringify(json) } } as Config);
  const token = '0123456789abcdef-token';

  test('a unit token names its unit; the entry keeps it', () => {
    expect(load([{ token, actor: 'liaison', role: 'unit', unit: 'unit-housing' }])[0]).toMatchObject({
      role: 'unit',
      unit: 'unit-housing',
    });
  });

  test('a unit token without a unit, or an office token with one, stops the start naming the variable', () => {
    expect(() => load([{ token, actor: 'liaison', role: 'unit' }])).toThrow(
      /DUBAN_API_TOKENS\[0\.unit\]: required for role unit/,
    );
    expect(() => load([{ token, actor: 'wang', role: 'staff', unit: 'unit-housing' }])).toThrow(
      /DUBAN_API_TOKENS\[0\.unit\]: only a unit token names a unit/,
    );
    expect(() => load([{ token, actor: 'liaison', role: 'unit', unit: 'not a unit id' }])).toThrow(
      /DUBAN_API_TOKENS\[0\.unit\]/,
    );
  });
});
