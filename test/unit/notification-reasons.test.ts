// Texts that say why (通知文本说明原因): every urge reason, the bulletin that goes with it, and a
// case opened by hand naming where it came from. The rule under all of them: no text claims
// "已超过办理期限" before the deadline, and only an escalated case says "经催办后仍未落实".
import { renderNotice } from '../../activities/notifications/templates';
import type { Notice, NoticeReason } from '../../workflows/types';

const DEADLINE = '2026-10-23T15:59:59.999Z';
const BEFORE = '2026-10-15T01:00:00.000Z';
const AFTER = '2026-10-26T01:00:00.000Z';

function urge(reason: NoticeReason | undefined, over: Partial<Notice> = {}): Notice {
  return {
    key: `item-42:L2:urge:${reason ?? 'none'}`,
    kind: 'urge',
    subject: '第二次催办：城区道路积水整治',
    itemId: 'item-42',
    title: '城区道路积水整治',
    level: 2,
    office: '市政府督查室',
    deadlineAt: DEADLINE,
    recipients: [{ id: 'p-liaison', name: '李联络', role: 'liaison' }],
    leadUnit: { id: 'u-jt', name: '市交通运输局' },
    at: AFTER,
    ...(reason ? { reason } : {}),
    ...over,
  };
}

/** The opening paragraph (the line after the addressee). */
const opening = (n: Notice): string => renderNotice(n).text.split('\n')[3]?.trim() ?? '';

const OVERDUE = '已超过办理期限（2026年10月23日 23:59（北京时间））';

describe('urge (催办通知): the first sentence says why', () => {
  test('deadline: overdue, still not done', () => {
    expect(opening(urge('deadline'))).toBe(
      `你单位承办的督办事项“城区道路积水整治”${OVERDUE}，至今仍未办结。` +
        '市政府督查室现对你单位进行第二次催办，请立即抓紧落实，并及时报送办理情况。',
    );
  });

  test('no reason (older histories) reads as the deadline text', () => {
    expect(opening(urge(undefined))).toBe(opening(urge('deadline')));
  });

  test('interval: the previous urge did not help', () => {
    expect(opening(urge('interval'))).toContain(`${OVERDUE}，经第一次催办后仍未办结。`);
    expect(opening(urge('interval', { level: 1 }))).toContain('经前次催办后仍未办结');
  });

  test('returned before the deadline: 办结报告被退回重办, never 已超过办理期限', () => {
    const text = renderNotice(urge('returned', { at: BEFORE, body: '未附整改照片' })).text;
    expect(text).toContain('所报办结报告经审核不符合办结要求，办结报告被退回重办。');
    expect(text).not.toContain('已超过办理期限');
    expect(text).not.toContain('仍未办结');
    expect(text).toContain('说明：未附整改照片');
  });

  test('returned after the deadline says both', () => {
    expect(opening(urge('returned'))).toContain(`办结报告被退回重办，且${OVERDUE}。`);
  });

  test('missed_report: 逾期未报送进展情况, and overdue only after the deadline', () => {
    const before = opening(urge('missed_report', { at: BEFORE }));
    expect(before).toBe(
      '你单位承办的督办事项“城区道路积水整治”逾期未报送进展情况。' +
        '市政府督查室现对你单位进行第二次催办，请立即抓紧落实，并及时报送办理情况。',
    );
    expect(opening(urge('missed_report'))).toContain(`逾期未报送进展情况，且${OVERDUE}`);
  });

  test('manual: 电话催办 / 督办函 with its note, and the method as a field', () => {
    const phone = renderNotice(
      urge('manual', { at: BEFORE, origin: { kind: 'phone', reference: '已电话通知李联络本周内报送' } }),
    ).text;
    expect(phone).toContain(
      '尚未办结。市政府督查室现对你单位进行第二次催办（电话催办：已电话通知李联络本周内报送）',
    );
    expect(phone).toContain('催办方式：电话催办');
    expect(phone).not.toContain('已超过办理期限');

    const letter = opening(urge('manual', { origin: { kind: 'letter' }, body: '督办〔2026〕12号' }));
    expect(letter).toContain(`${OVERDUE}，至今仍未办结。`);
    expect(letter).toContain('进行第二次催办（督办函：督办〔2026〕12号）');

    expect(opening(urge('manual', { at: BEFORE }))).toContain('第二次催办（人工催办）');
    // the API's third channel (UrgeInput.channel 'visit') has its name too
    const visit = renderNotice(
      urge('manual', { at: BEFORE, origin: { kind: 'visit', reference: '约见局长' } }),
    );
    expect(visit.text).toContain('第二次催办（上门督办：约见局长）');
    expect(visit.text).toContain('催办方式：上门督办');
  });

  test('instruction: 根据领导批示 with its reference', () => {
    const text = opening(
      urge('instruction', { at: BEFORE, origin: { kind: 'leader_instruction', reference: '市长批示第5号' } }),
    );
    expect(text).toContain(
      '根据领导批示（市长批示第5号）要求，你单位承办的督办事项“城区道路积水整治”须加快办理。',
    );
    expect(text).not.toContain('已超过办理期限');
    expect(opening(urge('instruction'))).toContain(`须加快办理，现${OVERDUE}。`);
  });

  test.each<NoticeReason>(['deadline', 'interval', 'returned', 'missed_report', 'manual', 'instruction'])(
    '%s: before the deadline no text says it has passed',
    (reason) => {
      for (const kind of ['urge', 'bulletin'] as const) {
        const { text, html } = renderNotice(urge(reason, { kind, at: BEFORE }));
        expect(text).not.toContain('已超过办理期限');
        expect(text).not.toContain('未在办理期限');
        expect(html).not.toContain('已超过办理期限');
      }
    },
  );
});

describe('bulletin (督查通报): what the unit failed to do', () => {
  const bulletin = (reason: NoticeReason | undefined, over: Partial<Notice> = {}) =>
    opening(urge(reason, { kind: 'bulletin', subject: '督查通报', ...over }));

  test('deadline and interval: not done within the deadline', () => {
    for (const reason of [undefined, 'deadline', 'interval'] as const) {
      expect(bulletin(reason)).toBe(
        '市政府督查室关于督办事项“城区道路积水整治”办理情况的通报：承办单位市交通运输局' +
          '未在办理期限（2026年10月23日 23:59（北京时间））内办结，已被催办两次，现予以通报。',
      );
    }
  });

  test('returned, missed report, manual and instruction before the deadline', () => {
    expect(bulletin('returned', { at: BEFORE })).toContain(
      '市交通运输局报送的办结报告被退回重办，已被催办两次',
    );
    expect(bulletin('missed_report', { at: BEFORE })).toContain('市交通运输局逾期未报送进展情况');
    expect(bulletin('manual', { at: BEFORE })).toContain('市交通运输局经催办后仍未办结');
    expect(bulletin('instruction', { at: BEFORE })).toContain('市交通运输局经催办后仍未办结');
  });
});

describe('case_opened (启动问责通知): where the case came from', () => {
  const opened = (over: Partial<Notice> = {}) =>
    renderNotice(
      urge(undefined, {
        kind: 'case_opened',
        subject: '启动问责',
        caseId: 'case-7',
        level: undefined,
        office: '市纪委监委',
        ...over,
      }),
    ).text;

  test('from an escalation (no origin): 经催办后仍未落实', () => {
    const text = opened();
    expect(text).toContain('因督办事项“城区道路积水整治”经催办后仍未落实，市纪委监委决定启动问责程序');
    expect(opened({ origin: { kind: 'escalation' } })).toContain('经催办后仍未落实');
    expect(text).not.toContain('线索来源');
  });

  test.each([
    ['inspection', '督查检查发现'],
    ['complaint', '群众投诉'],
    ['media', '媒体曝光'],
    ['leader_instruction', '领导批示'],
    ['meeting_decision', '会议决定'],
    ['document', '文件交办'],
    ['deputy_proposal', '人大代表建议、政协委员提案'],
    ['case_rectification', '问责整改落实情况'],
    ['other', '其他途径'],
    ['something-new', '其他途径'],
  ])('opened by hand from %s: says %s, never 经催办后仍未落实', (kind, label) => {
    const text = opened({ origin: { kind, reference: '第3号' } });
    expect(text).toContain(
      `根据${label}（第3号），市纪委监委决定就督办事项“城区道路积水整治”有关问题启动问责程序，立案为问责案件（编号：case-7）。`,
    );
    expect(text).toContain(`线索来源：${label}（第3号）`);
    expect(text).not.toContain('催办');
  });

  test('opened by hand without an item or a reference', () => {
    const text = opened({ origin: { kind: 'complaint' }, title: undefined, itemId: undefined });
    expect(text).toContain('根据群众投诉，市纪委监委决定启动问责程序，立案为问责案件（编号：case-7）。');
  });
});

describe('交办通知 (assignment)', () => {
  test('says who leads and by when, then the duties and dues in 说明, and never that it is overdue', () => {
    const n: Notice = {
      ...urge(undefined, { at: BEFORE }),
      key: 'item-42:assigned',
      kind: 'assignment',
      subject: '督办事项交办：城区道路积水整治',
      level: undefined,
      body: '牵头单位：市交通运输局。协办单位：市水务局（协办事项：排查排水管网）',
      next: '请于2026-10-16 23:59前签收，请于2026-10-23 23:59前办结并报送办结报告',
    };
    const text = renderNotice(n).text;
    expect(text.split('\n')[0]).toBe('交办通知');
    expect(opening(n)).toBe(
      '现将督办事项“城区道路积水整治”交办，由市交通运输局牵头办理，办理期限（2026年10月23日 23:59（北京时间））。' +
        '协办单位按分工配合，并及时报送协办情况。',
    );
    expect(text).toContain('协办单位：市水务局（协办事项：排查排水管网）');
    expect(text).toContain('请于2026-10-16 23:59前签收');
    expect(text).not.toContain('已超过');
  });
});
