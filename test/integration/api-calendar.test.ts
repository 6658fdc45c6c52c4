// PUT/GET /v1/calendar/{year} through the real API harness: the office's arrangement refused as 400
// problem+json naming the innermost wrong field, 403 for anyone but a manager, the year in force
// after a load, and a package year loaded by the office compared with the package.
import { statutoryHolidays, estimatedHolidays } from '../../domain/calendar/law';
import { packageYears } from '../../domain/calendar/official';
import { startApiHarness, type ApiHarness } from '../helpers/api';

let api: ApiHarness;

beforeAll(async () => {
  // no worker: the rollout a load starts waits on its task queue, and nothing here needs it to run
  api = await startApiHarness({ worker: false });
});
afterAll(async () => {
  await api?.close();
});

/** The year just past the package's data: the one an office loads each November. */
const NEXT = packageYears().at(-1)! + 1;
const LAST_PACKAGE = packageYears().at(-1)!;

/** A valid arrangement of a year: the law's days with their bridges, and a make-up Saturday or Sunday. */
function arrangement(year: number) {
  const holidays = estimatedHolidays(year)
    .filter((d) => d.date.startsWith(`${year}-`))
    .map((d) => ({ date: d.date, name: d.name.split(',')[1]! }));
  const taken = new Set(holidays.map((d) => d.date));
  let makeUp = `${year}-09-01`;
  while (taken.has(makeUp) || ![0, 6].includes(new Date(`${makeUp}T00:00:00Z`).getUTCDay()))
    makeUp = `${year}-09-${String(Number(makeUp.slice(8)) + 1).padStart(2, '0')}`;
  return {
    source: { reference: `国办发明电〔${year - 1}〕7号`, publishedAt: `${year - 1}-11-04` },
    holidays,
    workdays: [{ date: makeUp, name: '国庆节调休' }],
  };
}

async function refused(year: number | string, body: unknown) {
  const res = await api.call('PUT', `/v1/calendar/${year}`, { as: 'manager', body });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
  return res.body.errors as { path: string; message: string }[];
}

describe('PUT /v1/calendar/{year}: bad input is 400 naming the innermost field', () => {
  test('a year out of range', async () => {
    expect(await refused(2100, arrangement(2100 - 1))).toEqual([
      { path: 'year', message: expect.any(String) },
    ]);
    expect((await refused(2003, arrangement(2004)))[0]!.path).toBe('year');
    expect((await refused('twenty', arrangement(NEXT)))[0]!.path).toBe('year');
  });

  test('a make-up working day on a holiday', async () => {
    const body = arrangement(NEXT);
    const i = body.holidays.findIndex((d) => d.date === `${NEXT}-10-01`);
    body.workdays.push({ date: `${NEXT}-10-01`, name: '国庆节调休' });
    const errors = await refused(NEXT, body);
    expect(errors).toEqual([{ path: 'workdays.1.date', message: expect.stringContaining(`holidays[${i}]`) }]);
  });

  test('a statutory day missing', async () => {
    const body = arrangement(NEXT);
    const spring = statutoryHolidays(NEXT).find((d) => d.name.includes('春节'))!;
    body.holidays = body.holidays.filter((d) => d.date !== spring.date);
    const errors = await refused(NEXT, body);
    expect(errors).toEqual([{ path: 'holidays', message: expect.stringContaining(spring.date) }]);
  });

  test('a date twice, and a date outside the year', async () => {
    const twice = arrangement(NEXT);
    twice.holidays.push({ ...twice.holidays[0]! });
    expect(await refused(NEXT, twice)).toEqual([
      { path: `holidays.${twice.holidays.length - 1}.date`, message: expect.stringMatching(/listed twice/) },
    ]);
    const outside = arrangement(NEXT);
    outside.workdays[0] = { date: `${NEXT - 1}-12-27`, name: '元旦调休' };
    expect(await refused(NEXT, outside)).toEqual([
      { path: 'workdays.0.date', message: expect.stringContaining(`not in ${NEXT}`) },
    ]);
  });

  test('a weekday as a make-up day, a malformed date, an unknown field', async () => {
    const weekday = arrangement(NEXT);
    let d = `${NEXT}-03-02`;
    while ([0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
      d = `${NEXT}-03-0${Number(d.slice(9)) + 1}`;
    weekday.workdays[0] = { date: d, name: '调休' };
    expect((await refused(NEXT, weekday))[0]).toMatchObject({ path: 'workdays.0.date' });
    const malformed = arrangement(NEXT);
    malformed.holidays[2] = { date: `${NEXT}-02-30`, name: '春节' };
    expect((await refused(NEXT, malformed))[0]).toMatchObject({ path: 'holidays.2.date' });
    const noSource = { ...arrangement(NEXT), source: { reference: '国办发明电〔2026〕7号' } };
    expect((await refused(NEXT, noSource))[0]).toMatchObject({ path: 'source.publishedAt' });
    const extra = { ...arrangement(NEXT), note: 'x' };
    expect((await refused(NEXT, extra)).length).toBeGreaterThan(0);
  });
});

test('only a manager loads a year (403 problem for staff, ops and unit accounts); anyone reads it', async () => {
  for (const as of ['staff', 'ops', 'unit'] as const) {
    const res = await api.call('PUT', `/v1/calendar/${NEXT}`, { as, body: arrangement(NEXT) });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  }
  const got = await api.call('GET', `/v1/calendar/${NEXT}`, { as: 'unit' });
  expect(got.status).toBe(200);
  expect(got.body.basis).not.toBe('office'); // nobody loaded it
});

test('GET shows the year in force and where it came from: law, then the office’s load with its version', async () => {
  const year = NEXT + 1; // a year no other test here loads
  const before = await api.call('GET', `/v1/calendar/${year}`, { as: 'staff' });
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({ year, basis: 'law', workdays: [] });
  expect(before.body.source).toBeUndefined();
  for (const d of statutoryHolidays(year))
    expect(before.body.holidays).toContainEqual(expect.objectContaining({ date: d.date, kind: 'statutory' }));

  const body = arrangement(year);
  const put = await api.call('PUT', `/v1/calendar/${year}`, { as: 'manager', body });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    year,
    basis: 'office',
    loadedVersion: 1,
    rollout: { workflowId: `calendar-rollout-${year}-v1` },
  });
  const view = await api.call('GET', `/v1/calendar/${year}`, { as: 'ops' });
  expect(view.status).toBe(200);
  expect(view.body).toEqual({
    year,
    version: expect.stringContaining(`+office:${year}v1`),
    basis: 'office',
    source: {
      reference: body.source.reference,
      publishedAt: body.source.publishedAt,
      loadedBy: 'director-li',
      loadedAt: expect.any(String),
      version: 1,
    },
    holidays: body.holidays,
    workdays: body.workdays,
  });
  // loading it again is a new version, in force at once
  const again = await api.call('PUT', `/v1/calendar/${year}`, { as: 'manager', body });
  expect(again.body).toMatchObject({ loadedVersion: 2, source: { version: 2 } });
  expect((await api.call('GET', `/v1/calendar/${year}`, { as: 'staff' })).body.version).toContain(
    `+office:${year}v2`,
  );
});

test('a year the package carries, loaded by the office: the same days agree; a different day is reported', async () => {
  const pkg = await api.call('GET', `/v1/calendar/${LAST_PACKAGE}`, { as: 'manager' });
  expect(pkg.body.basis).toBe('package');
  const same = {
    source: { reference: '国办发明电〔测试〕2号', publishedAt: `${LAST_PACKAGE - 1}-11-04` },
    holidays: pkg.body.holidays as { date: string; name: string }[],
    workdays: pkg.body.workdays as { date: string; name: string }[],
  };
  const agreed = await api.call('PUT', `/v1/calendar/${LAST_PACKAGE}`, { as: 'manager', body: same });
  expect(agreed.status).toBe(200);
  expect(agreed.body.basis).toBe('office');
  expect(agreed.body.packageDifference).toBeUndefined();

  // the office's notice gives one more day off and drops a make-up day
  let extra = `${LAST_PACKAGE}-06-01`;
  const taken = new Set(same.holidays.map((d) => d.date));
  while (taken.has(extra) || [0, 6].includes(new Date(`${extra}T00:00:00Z`).getUTCDay()))
    extra = `${LAST_PACKAGE}-06-0${Number(extra.slice(9)) + 1}`;
  const [dropped, ...kept] = same.workdays;
  const differs = { ...same, holidays: [...same.holidays, { date: extra, name: '端午节' }], workdays: kept };
  expect(
    (await api.call('PUT', `/v1/calendar/${LAST_PACKAGE}`, { as: 'manager', body: differs })).status,
  ).toBe(200);
  const view = await api.call('GET', `/v1/calendar/${LAST_PACKAGE}`, { as: 'staff' });
  expect(view.body).toMatchObject({ basis: 'office', source: { version: 2 } });
  expect(view.body.packageDifference).toEqual({
    year: LAST_PACKAGE,
    onlyOffice: [`休${extra}`],
    onlyPackage: dropped ? [`班${dropped.date}`] : [],
  });
});
