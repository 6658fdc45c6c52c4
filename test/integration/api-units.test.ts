// The unit directory and unit accounts against a real dev server, worker and record: the directory's
// rules (parent exists, no cycle, nothing half-written), items naming units by id and keeping what
// they were given, and a unit token seeing and acting on its own unit's items and people only.
import { applyItemBatch } from '../../activities/record/store';
import { itemBatch } from '../record/fixtures';
import { itemBody, OTHER_UNIT, startApiHarness, UNIT, type ApiHarness } from '../helpers/api';

let api: ApiHarness;

const liaison = { id: 'p-liaison-housing', name: '王联络', email: 'wang@example.test' };
const principal = { id: 'p-chief-housing', name: '张局长' };

beforeAll(async () => {
  api = await startApiHarness({ worker: true, record: true });
  const put = (id: string, body: unknown) => api.call('PUT', `/v1/units/${id}`, { as: 'manager', body });
  expect((await put('gov', { name: '市人民政府' })).status).toBe(201);
  expect((await put(UNIT, { name: '市住建局', liaison, principal, parent: 'gov' })).status).toBe(201);
  expect((await put(OTHER_UNIT, { name: '市水务局', parent: 'gov' })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('the directory', () => {
  test('PUT creates (201, Location) then replaces (200, next revision); GET answers it', async () => {
    const created = await api.call('PUT', '/v1/units/unit-a', { as: 'manager', body: { name: '甲局' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/units/unit-a');
    const replaced = await api.call('PUT', '/v1/units/unit-a', {
      as: 'manager',
      body: { name: '甲局（新）', parent: 'gov', inCharge: { id: 'p-vice', name: '李副局长' } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: 'unit-a', name: '甲局（新）', parent: 'gov', revision: 2 });
    const got = await api.call('GET', '/v1/units/unit-a', { as: 'unit' });
    expect(got.body).toEqual(replaced.body);
    expect((await api.call('GET', '/v1/units/unit-none', { as: 'ops' })).status).toBe(404);
  });

  test('an unknown parent is a 400 and a cycle a 409, each naming parent, and nothing is written', async () => {
    const unknown = await api.call('PUT', '/v1/units/unit-b', {
      as: 'manager',
      body: { name: '乙局', parent: 'no-such-unit' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'parent', message: expect.stringMatching(/no-such-unit/) }]);
    expect((await api.call('GET', '/v1/units/unit-b', { as: 'ops' })).status).toBe(404);

    const cycle = await api.call('PUT', '/v1/units/gov', {
      as: 'manager',
      body: { name: '市人民政府', parent: UNIT },
    });
    expect(cycle.status).toBe(409);
    expect(cycle.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(cycle.body.detail).toBe(`parent: unit gov would become its own ancestor: gov → ${UNIT} → gov`);
    expect(cycle.body.errors[0].path).toBe('parent');
    expect((await api.call('GET', '/v1/units/gov', { as: 'ops' })).body).not.toHaveProperty('parent');

    const self = await api.call('PUT', `/v1/units/${UNIT}`, {
      as: 'manager',
      body: { name: 'x', parent: UNIT },
    });
    expect(self.status).toBe(409);
    expect((await api.call('GET', `/v1/units/${UNIT}`, { as: 'ops' })).body.name).toBe('市住建局');
  });

  test('lists in id order, page by page, optionally under one parent', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/v1/units?parent=gov&pageSize=1${token ? `&pageToken=${token}` : ''}`,
        { as: 'staff' },
      );
      expect(page.status).toBe(200);
      expect(page.body.units.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.units.map((u: { id: string }) => u.id));
      token = page.body.nextPageToken;
    } while (token);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining([UNIT, OTHER_UNIT]));
    expect(seen).not.toContain('gov');
    const forged = await api.call('GET', '/v1/units?pageToken=abc.def', { as: 'staff' });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('pageToken');
  });
});

describe('items naming units by id', () => {
  test('the directory fills name, liaison and responsible; a later change does not rewrite the item', async () => {
    const body = itemBody({
      id: 'by-id-1',
      leadUnit: { id: UNIT },
      assistingUnits: [{ id: OTHER_UNIT, duty: '配合排水改造' }],
    });
    delete body.responsible;
    const preview = await api.call('POST', '/v1/items/preview', { as: 'staff', body });
    expect(preview.status).toBe(200);
    const created = await api.call('POST', '/v1/items', { as: 'staff', body });
    expect(created.status).toBe(201);
    expect(created.body.leadUnit).toEqual({ id: UNIT, name: '市住建局', liaison });
    expect(created.body.assistingUnits).toEqual([{ id: OTHER_UNIT, name: '市水务局', duty: '配合排水改造' }]);
    expect(created.body.responsible).toEqual({ principal });

    await api.call('PUT', `/v1/units/${UNIT}`, {
      as: 'manager',
      body: { name: '市住房和城乡建设局', parent: 'gov' },
    });
    const later = await api.call('GET', '/v1/items/by-id-1', { as: 'staff' });
    expect(later.body.leadUnit.name).toBe('市住建局');
    expect(later.body.responsible).toEqual({ principal });
    // a retry of the same body answers the item as it was made, though the directory now names
    // no principal for the unit (a fresh create would be a 400)
    const again = await api.call('POST', '/v1/items', { as: 'staff', body });
    expect(again.status).toBe(200);
    expect(again.body.leadUnit.name).toBe('市住建局');
    await api.call('PUT', `/v1/units/${UNIT}`, {
      as: 'manager',
      body: { name: '市住建局', liaison, principal, parent: 'gov' },
    });
  });

  test('an unknown unit id is a 400 naming the field, for create and preview alike, and nothing starts', async () => {
    for (const [over, path] of [
      [{ leadUnit: { id: 'unit-nowhere' } }, 'leadUnit.id'],
      [{ assistingUnits: [{ id: OTHER_UNIT }, { id: 'unit-nowhere' }] }, 'assistingUnits.1.id'],
    ] as const) {
      for (const route of ['/v1/items', '/v1/items/preview']) {
        const res = await api.call('POST', route, {
          as: 'staff',
          body: itemBody({ id: 'by-id-bad', ...over }),
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(/unit-nowhere/) }]);
      }
    }
    expect((await api.call('GET', '/v1/items/by-id-bad', { as: 'staff' })).status).toBe(404);
  });

  test('without responsible, a lead unit the directory gives no principal is a 400 naming responsible', async () => {
    const body = itemBody({ leadUnit: { id: OTHER_UNIT } });
    delete body.responsible;
    const res = await api.call('POST', '/v1/items', { as: 'staff', body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('responsible');
  });
});

describe('a unit account', () => {
  const assisted = 'unit-assisted-1';
  const foreign = 'unit-foreign-1';

  beforeAll(async () => {
    const made = await Promise.all([
      api.call('POST', '/v1/items', {
        as: 'staff',
        body: itemBody({ id: assisted, leadUnit: { id: OTHER_UNIT }, assistingUnits: [{ id: UNIT }] }),
      }),
      api.call('POST', '/v1/items', {
        as: 'staff',
        body: itemBody({ id: foreign, leadUnit: { id: OTHER_UNIT } }),
      }),
    ]);
    expect(made.map((r) => r.status)).toEqual([201, 201]);
  });

  test('knows who it is', async () => {
    const me = await api.call('GET', '/v1/me', { as: 'unit' });
    expect(me.body).toEqual({ actor: 'liaison-housing', role: 'unit', unit: UNIT });
  });

  test('reads and reports on an item it assists; another unit’s item is a 404 and keeps no trace', async () => {
    expect((await api.call('GET', `/v1/items/${assisted}`, { as: 'unit' })).status).toBe(200);
    const report = { kind: 'progress', summary: '已完成排水管网摸排' };
    const filed = await api.call('POST', `/v1/items/${assisted}/reports`, { as: 'unit', body: report });
    expect(filed.status).toBe(200);
    const state = await api.call('GET', `/v1/items/${assisted}`, { as: 'staff' });
    expect(state.body.history.some((h: { by: string }) => h.by === 'liaison-housing')).toBe(true);

    const refused = await api.call('POST', `/v1/items/${foreign}/reports`, { as: 'unit', body: report });
    expect(refused.status).toBe(404);
    const extension = await api.call('POST', `/v1/items/${foreign}/extension-request`, {
      as: 'unit',
      body: { reason: '汛期施工受限', due: { workingDays: 5 } },
    });
    expect(extension.status).toBe(404);
    const untouched = await api.call('GET', `/v1/items/${foreign}`, { as: 'staff' });
    expect(untouched.body.reports).toEqual([]);
    expect(untouched.body.extensions).toEqual([]);
    // the other unit's own token reaches it
    expect((await api.call('GET', `/v1/items/${foreign}`, { as: 'otherUnit' })).status).toBe(200);
  });

  test('lists only the items its unit leads or assists, page by page (from the record)', async () => {
    const record = api.record!;
    const seed = (id: string, lead: string, assisting: string[], at: string) =>
      applyItemBatch(
        record,
        itemBatch(
          id,
          1,
          {},
          {
            leadUnit: { id: lead, name: lead },
            assistingUnits: assisting.map((u) => ({ id: u, name: u })),
            assignedAt: at,
          },
        ),
      );
    await seed('list-lead', UNIT, [], '2026-03-03T01:00:00.000Z');
    await seed('list-assist', OTHER_UNIT, [UNIT], '2026-03-02T01:00:00.000Z');
    await seed('list-other', OTHER_UNIT, [], '2026-03-01T01:00:00.000Z');
    const all = async (as: 'unit' | 'otherUnit') => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await api.call('GET', `/v1/items?pageSize=1${token ? `&pageToken=${token}` : ''}`, {
          as,
        });
        expect(page.status).toBe(200);
        out.push(...page.body.items.map((i: { id: string }) => i.id));
        token = page.body.nextPageToken;
      } while (token);
      return out;
    };
    // the file's other tests created items of these units too; this test's are the list-* ones
    const mine = (ids: string[]) => ids.filter((id) => id.startsWith('list-'));
    expect(mine(await all('unit'))).toEqual(['list-lead', 'list-assist']);
    expect(mine(await all('otherUnit'))).toEqual(['list-assist', 'list-other']);
  });

  test('appeals for its own people only: another subject of its case is a 403 naming subjectId', async () => {
    const opened = await api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        id: 'unit-case-1',
        subjects: [
          { kind: 'person', id: 'p-chief-housing', name: '张局长', unitId: UNIT },
          { kind: 'unit', id: OTHER_UNIT, name: '市水务局' },
        ],
        grounds: ['推进不力'],
        source: { kind: 'inspection' },
      },
    });
    expect(opened.status).toBe(201);
    expect((await api.call('GET', '/v1/cases/unit-case-1', { as: 'unit' })).status).toBe(200);
    const foreignSubject = await api.call('POST', '/v1/cases/unit-case-1/appeal', {
      as: 'unit',
      body: { subjectId: OTHER_UNIT, reason: '不服' },
    });
    expect(foreignSubject.status).toBe(403);
    expect(foreignSubject.body.errors[0].path).toBe('subjectId');
    // its own person passes access; the case, still in investigation, refuses the appeal itself
    const own = await api.call('POST', '/v1/cases/unit-case-1/appeal', {
      as: 'unit',
      body: { subjectId: 'p-chief-housing', reason: '情况属实但已整改' },
    });
    expect(own.status).toBe(409);
  });
});

describe('签收 and 退回交办', () => {
  const asked = 'unit-ack-1';
  const given = 'unit-decline-1';
  const waterPeople = { principal: { id: 'p-water-chief', name: '孙局长' } };

  beforeAll(async () => {
    const made = await Promise.all(
      [asked, given].map((id) =>
        api.call('POST', '/v1/items', {
          as: 'staff',
          body: { ...itemBody({ id, leadUnit: { id: UNIT } }), responsible: undefined, acknowledge: true },
        }),
      ),
    );
    expect(made.map((r) => r.status)).toEqual([201, 201]);
    // the 201 is the state the item starts from: 待签收, due one working day on
    expect(made[0]!.body).toMatchObject({
      status: 'awaiting_acknowledgement',
      acknowledgement: { unit: { id: UNIT } },
    });
  });

  test('the preview says when 签收 is due; an item that does not ask starts open, as ever', async () => {
    const body = itemBody({ assignedAt: '2026-09-07T01:00:00.000Z', acknowledge: true });
    const preview = await api.call('POST', '/v1/items/preview', { as: 'staff', body });
    expect(preview.status).toBe(200);
    expect(preview.body.acknowledgeBy).toBe('2026-09-08T15:59:59.999Z');
    const plain = await api.call('POST', '/v1/items/preview', { as: 'staff', body: itemBody() });
    expect(plain.body.acknowledgeBy).toBeUndefined();
    const made = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody() });
    expect(made.status).toBe(201);
    expect(made.body.status).toBe('open');
    expect(made.body.acknowledgement).toBeUndefined();
    const refused = await api.call('POST', `/v1/items/${made.body.id}/acknowledge`, {
      as: 'staff',
      body: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('本事项未要求签收');
  });

  test('a policy window of zero working days is a 400 naming the field', async () => {
    const policy = {
      name: 'no-time',
      acknowledgeWithin: { workingDays: 0 },
      reminders: [{ after: { workingDays: 0 }, notice: { by: '督查室' }, measures: [] }],
    };
    const res = await api.call('POST', '/v1/items', { as: 'staff', body: itemBody({ policy }) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('policy.acknowledgeWithin.workingDays');
  });

  test('the unit acknowledges once; twice, or declining after it, is a 409 with the reason', async () => {
    const ack = await api.call('POST', `/v1/items/${asked}/acknowledge`, {
      as: 'unit',
      body: { note: '已安排专人办理' },
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ unit: { id: UNIT }, by: 'liaison-housing', note: '已安排专人办理' });
    const again = await api.call('POST', `/v1/items/${asked}/acknowledge`, { as: 'staff', body: {} });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('不能重复签收');
    const decline = await api.call('POST', `/v1/items/${asked}/decline`, {
      as: 'unit',
      body: { reason: '不属本单位职责' },
    });
    expect(decline.status).toBe(409);
    expect(decline.body.detail).toContain('已签收，不能再退回交办');
    const state = await api.call('GET', `/v1/items/${asked}`, { as: 'unit' });
    expect(state.body.status).toBe('open');
  });

  test('declined, the office reassigns it to another unit, whose account then owns it', async () => {
    // another unit's account meets it as a missing item
    const stranger = await api.call('POST', `/v1/items/${given}/decline`, {
      as: 'otherUnit',
      body: { reason: 'x' },
    });
    expect(stranger.status).toBe(404);
    const declined = await api.call('POST', `/v1/items/${given}/decline`, {
      as: 'unit',
      body: { reason: '该事项属水务部门职责' },
    });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ id: 'd1', unit: { id: UNIT }, reason: '该事项属水务部门职责' });
    expect((await api.call('GET', `/v1/items/${given}`, { as: 'staff' })).body.status).toBe('declined');
    const listed = await api.call('GET', '/v1/items?status=declined', { as: 'staff' });
    expect(listed.status).toBe(200);

    const same = await api.call('POST', `/v1/items/${given}/reassign`, {
      as: 'staff',
      body: { leadUnit: { id: UNIT } },
    });
    expect(same.status).toBe(409);
    expect(same.body.detail).toContain('不能重新交办给退回交办的原承办单位');
    const unknown = await api.call('POST', `/v1/items/${given}/reassign`, {
      as: 'staff',
      body: { leadUnit: { id: 'unit-nowhere' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('leadUnit.id');
    // the directory names no principal for the water bureau: say who is responsible
    const nobody = await api.call('POST', `/v1/items/${given}/reassign`, {
      as: 'manager',
      body: { leadUnit: { id: OTHER_UNIT } },
    });
    expect(nobody.status).toBe(400);
    expect(nobody.body.errors[0].path).toBe('responsible');
    const before = (await api.call('GET', `/v1/items/${given}`, { as: 'staff' })).body;
    expect(before.leadUnit.id).toBe(UNIT);

    const moved = await api.call('POST', `/v1/items/${given}/reassign`, {
      as: 'manager',
      body: { leadUnit: { id: OTHER_UNIT }, responsible: waterPeople, comment: '请水务局牵头' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'awaiting_acknowledgement',
      leadUnit: { id: OTHER_UNIT, name: '市水务局' },
      responsible: waterPeople,
      acknowledgement: { unit: { id: OTHER_UNIT } },
    });
    expect(moved.body.deadline.receipt.adjustments.map((a: { kind: string }) => a.kind)).toEqual([
      'reassignment',
    ]);
    // the water bureau's account sees it once the record has the new lead unit (a write moments
    // after the task that decided it), and acknowledges it
    const seen = Date.now() + 10_000;
    while ((await api.call('GET', `/v1/items/${given}`, { as: 'otherUnit' })).status !== 200) {
      if (Date.now() > seen) throw new Error('the new lead unit never saw the item');
      await new Promise((r) => setTimeout(r, 100));
    }
    const ack = await api.call('POST', `/v1/items/${given}/acknowledge`, { as: 'otherUnit', body: {} });
    expect(ack.status).toBe(200);
    // and once the record has the new lead unit, the housing bureau's account no longer sees it
    const until = Date.now() + 10_000;
    let gone = await api.call('GET', `/v1/items/${given}`, { as: 'unit' });
    while (gone.status !== 404 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      gone = await api.call('GET', `/v1/items/${given}`, { as: 'unit' });
    }
    expect(gone.status).toBe(404);
  });
});

describe('office hours in the schedule (DUBAN_OFFICE_HOURS, default 09:00-18:00)', () => {
  test('preview, 201 and state show dueAt and deliverAt for the warning and every level; a drill has none', async () => {
    // assigned Monday 2026-09-07; 4 working days end Friday 09-11 23:59:59.999 Shanghai
    const body = itemBody({ assignedAt: '2026-09-07T02:00:00.000Z', due: { workingDays: 4 } });
    const preview = await api.call('POST', '/v1/items/preview', { as: 'staff', body });
    expect(preview.status).toBe(200);
    expect(preview.body.officeHours).toEqual({ open: '09:00', close: '18:00' });
    expect(preview.body.warning).toEqual({
      dueAt: '2026-09-08T15:59:59.999Z',
      deliverAt: '2026-09-09T01:00:00.000Z',
    });
    expect(preview.body.reminders[0]).toEqual({
      level: 1,
      name: '第一次催办',
      at: '2026-09-11T15:59:59.999Z',
      dueAt: '2026-09-11T15:59:59.999Z',
      deliverAt: '2026-09-14T01:00:00.000Z',
    });

    const made = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ due: { workingDays: 4 } }),
    });
    expect(made.status).toBe(201);
    const levels = made.body.schedule.levels as { dueAt: string; deliverAt: string }[];
    // each urge after a 23:59 deadline goes out at 09:00 local of a later day
    for (const l of levels) {
      expect(Date.parse(l.deliverAt)).toBeGreaterThan(Date.parse(l.dueAt));
      expect(new Date(l.deliverAt).getUTCHours()).toBe(1);
    }
    const state = await api.call('GET', `/v1/items/${made.body.id}`, { as: 'staff' });
    expect(state.body.schedule.levels).toEqual(levels);

    const drill = itemBody({
      due: { duration: 'PT10M' },
      policy: {
        name: 'drill',
        reminders: [{ after: { duration: 'PT0S' }, notice: { by: '督查室' }, measures: [] }],
      },
    });
    const drillPreview = await api.call('POST', '/v1/items/preview', { as: 'staff', body: drill });
    expect(drillPreview.body.officeHours).toBeNull();
    expect(drillPreview.body.reminders[0].deliverAt).toBe(drillPreview.body.reminders[0].dueAt);
  });
});

describe('汇报频次 (reportEvery)', () => {
  test('zero working days is a 400 naming the field; a drill’s seconds are taken; the preview says when the first is owed', async () => {
    const zero = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ reportEvery: { workingDays: 0 } }),
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].path).toBe('reportEvery.workingDays');
    const inPolicy = await api.call('POST', '/v1/items/preview', {
      as: 'staff',
      body: itemBody({
        policy: {
          name: 'weekly',
          reportEvery: { workingDays: 0 },
          reminders: [{ after: { workingDays: 0 }, notice: { by: '督查室' }, measures: [] }],
        },
      }),
    });
    expect(inPolicy.status).toBe(400);
    expect(inPolicy.body.errors[0].path).toBe('policy.reportEvery.workingDays');

    const body = itemBody({ assignedAt: '2026-09-07T01:00:00.000Z', reportEvery: { workingDays: 5 } });
    const preview = await api.call('POST', '/v1/items/preview', { as: 'staff', body });
    expect(preview.body).toMatchObject({
      reportEvery: { workingDays: 5 },
      firstReportDueAt: '2026-09-14T15:59:59.999Z',
    });
    const drill = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({ reportEvery: { duration: 'PT5S' } }),
    });
    expect(drill.status).toBe(201);
    expect(drill.body.reporting).toMatchObject({ period: 1, every: { duration: 'PT5S' } });
    // a drill cadence makes the item a drill: no office hours
    expect(drill.body.schedule.levels[0].deliverAt).toBe(drill.body.schedule.levels[0].dueAt);
    await api.call('POST', `/v1/items/${drill.body.id}/cancel`, {
      as: 'manager',
      body: { reason: '演练结束' },
    });
  });
});

describe('协办单位 over HTTP', () => {
  const id = 'unit-assist-2';

  beforeAll(async () => {
    const made = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({
        id,
        leadUnit: { id: OTHER_UNIT, name: '市水务局' },
        assistingUnits: [{ id: UNIT, duty: '负责小区内部改造', due: { workingDays: 3 } }],
      }),
    });
    expect(made.status).toBe(201);
    expect(made.body.assistingUnits[0]).toMatchObject({
      id: UNIT,
      name: '市住建局',
      duty: '负责小区内部改造',
    });
    expect(made.body.assistingUnits[0].dueAt).toBeDefined();
  });

  test('an assisting unit can be the subject of a case about the item (S3 §四(十)), and its account reads it', async () => {
    const opened = await api.call('POST', '/v1/cases', {
      as: 'manager',
      body: {
        subjects: [{ kind: 'unit', id: UNIT, name: '市住建局' }],
        grounds: ['协办单位配合不力，影响整体进度'],
        source: { kind: 'inspection' },
        itemId: id,
      },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.subjects).toEqual([expect.objectContaining({ kind: 'unit', id: UNIT })]);
    const seen = await api.call('GET', `/v1/cases/${opened.body.id}`, { as: 'unit' });
    expect(seen.status).toBe(200);
    expect(seen.body.subjects).toEqual([expect.objectContaining({ kind: 'unit', id: UNIT })]);
    // the case links itself to the item (a signal): the item lists it, after its ladder's cases
    let item = await api.call('GET', `/v1/items/${id}`, { as: 'staff' });
    for (let i = 0; i < 100 && !item.body.caseIds.includes(opened.body.id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      item = await api.call('GET', `/v1/items/${id}`, { as: 'staff' });
    }
    expect(item.body.caseIds).toContain(opened.body.id);
    // and the assisting unit's account finds it among its cases (from the record)
    let mine = await api.call('GET', '/v1/cases', { as: 'unit' });
    for (let i = 0; i < 100 && !mine.body.cases.some((c: { id: string }) => c.id === opened.body.id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      mine = await api.call('GET', '/v1/cases', { as: 'unit' });
    }
    expect(mine.body.cases.map((c: { id: string }) => c.id)).toContain(opened.body.id);
  });

  test('an own time later than the item’s deadline is a 400 naming the field', async () => {
    const late = await api.call('POST', '/v1/items', {
      as: 'staff',
      body: itemBody({
        due: { workingDays: 5 },
        assistingUnits: [{ id: OTHER_UNIT, due: { workingDays: 10 } }],
      }),
    });
    expect(late.status).toBe(400);
    expect(late.body.errors[0].path).toBe('assistingUnits.0.due');
  });

  test('it acknowledges and reports as itself; a unit not on the item is a 409 naming unit; the lead’s final lists it', async () => {
    const ack = await api.call('POST', `/v1/items/${id}/acknowledge`, { as: 'unit', body: {} });
    expect(ack.status).toBe(200);
    expect(ack.body.unit).toEqual({ id: UNIT, name: '市住建局' });
    const twice = await api.call('POST', `/v1/items/${id}/acknowledge`, { as: 'unit', body: {} });
    expect(twice.status).toBe(409);
    const filed = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'unit',
      body: { kind: 'progress', summary: '小区内部改造完成一半' },
    });
    expect(filed.status).toBe(200);
    expect(filed.body.unit).toBe(UNIT);
    const stranger = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'staff',
      body: { kind: 'progress', summary: 'x', unit: 'unit-nowhere' },
    });
    expect(stranger.status).toBe(409);
    expect(stranger.body.detail).toContain('不是本事项的牵头单位或协办单位');
    const forOther = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'unit',
      body: { kind: 'progress', summary: 'x', unit: OTHER_UNIT },
    });
    expect(forOther.status).toBe(409);
    const final = await api.call('POST', `/v1/items/${id}/reports`, {
      as: 'otherUnit',
      body: { kind: 'final', summary: '已全部完成', signedBy: '孙局长' },
    });
    expect(final.status).toBe(200);
    expect(final.body.contributions).toEqual([
      expect.objectContaining({
        unit: { id: UNIT, name: '市住建局' },
        reports: 1,
        summaries: ['小区内部改造完成一半'],
      }),
    ]);
  });
});
