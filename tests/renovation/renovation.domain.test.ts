import { describe, expect, it } from 'vitest';
import { makeCalendar } from '../../functions/core/calendar.domain';
import { officialCalendar } from '../../functions/core/official-calendar';
import {
  CHECKLIST_RULES,
  type ChecklistFacts,
  checkExtension,
  checkTerm,
  depositPlan,
  type PassRecord,
  PERMIT_TRANSITIONS,
  permitTransition,
  REFUND_WAIT_WORKING_DAYS,
  refundPlan,
  refundProblems,
  requiredDocuments,
  statusAfterRenovation,
  termEnd,
} from '../../functions/renovation/renovation.domain';

const facts = (over: Partial<ChecklistFacts> = {}): ChecklistFacts => ({
  works: ['general'],
  applicantIsOwner: true,
  selfRenovation: false,
  nonResidential: false,
  taxCollected: false,
  ...over,
});
const codes = (f: ChecklistFacts) => requiredDocuments(f).map((l) => l.code);
const BASE = ['contractor_licence', 'contractor_qualification', 'drawings', 'lead_id', 'worker_ids'];

describe('renovation.domain checklist', () => {
  it('requires the contractor licence, qualification, drawings, lead ID and worker IDs for any works', () => {
    // Act / Assess
    expect(codes(facts())).toEqual(BASE);
  });

  it('drops the qualification certificate and drawings (not the licence) when the works are only simple surface works', () => {
    expect(codes(facts({ works: ['simple_surface'] }))).toEqual(['contractor_licence', 'lead_id', 'worker_ids']);
  });

  it('keeps licence, qualification and drawings when simple works come with other works', () => {
    expect(codes(facts({ works: ['simple_surface', 'general'] }))).toEqual(BASE);
  });

  it('adds the wiring drawings when the wiring or plumbing is changed', () => {
    expect(codes(facts({ works: ['wiring_plumbing'] }))).toEqual([...BASE, 'wiring_drawings']);
  });

  it('adds the qualified design when the structure or load changes', () => {
    expect(codes(facts({ works: ['structural'] }))).toEqual([...BASE, 'structural_design']);
  });

  it('adds the government construction permit for structural works in a non-residential unit', () => {
    expect(codes(facts({ works: ['structural'], nonResidential: true }))).toEqual([
      ...BASE,
      'structural_design',
      'construction_permit',
    ]);
  });

  it('adds planning approval and owners-committee consent for additions, facade changes and new openings', () => {
    expect(codes(facts({ works: ['additions_facade_openings'] }))).toEqual([
      ...BASE,
      'planning_approval',
      'owners_committee_consent',
    ]);
  });

  it('adds the fire-department approval for hot work', () => {
    expect(codes(facts({ works: ['hot_work'] }))).toEqual([...BASE, 'fire_approval']);
  });

  it('adds the advertising registration certificate for outdoor signs', () => {
    expect(codes(facts({ works: ['outdoor_sign'] }))).toEqual([...BASE, 'advertising_certificate']);
  });

  it("adds the owner's pledge when waterproofing will be broken", () => {
    expect(codes(facts({ works: ['waterproofing'] }))).toEqual([...BASE, 'waterproofing_pledge']);
  });

  it("adds the owner's written consent when the applicant is not the owner", () => {
    expect(codes(facts({ applicantIsOwner: false }))).toEqual([...BASE, 'owner_consent']);
  });

  it('adds the renovation contract copy when the estate collects renovation tax and a contractor works', () => {
    expect(codes(facts({ taxCollected: true }))).toEqual([...BASE, 'renovation_contract']);
    expect(codes(facts({ taxCollected: true, selfRenovation: true }))).toEqual(BASE);
  });

  it('combines structural + hot work + non-owner applicant, each document naming its rule', () => {
    // Act
    const lines = requiredDocuments(facts({ works: ['structural', 'hot_work'], applicantIsOwner: false }));
    // Assess
    expect(lines.map((l) => l.code)).toEqual([...BASE, 'structural_design', 'fire_approval', 'owner_consent']);
    expect(lines.find((l) => l.code === 'fire_approval')?.rules).toEqual(['hot_work']);
    expect(lines.find((l) => l.code === 'owner_consent')?.rules).toEqual(['not_owner']);
  });

  it("lets only the contractor's documents be replaced by the owner's declaration", () => {
    const lines = requiredDocuments(facts({ works: ['structural', 'waterproofing'] }));
    expect(lines.filter((l) => l.declarable).map((l) => l.code)).toEqual(BASE);
    expect(lines.find((l) => l.code === 'waterproofing_pledge')?.declarable).toBe(false);
    expect(CHECKLIST_RULES.map((r) => r.id)).toContain('simple_surface');
  });
});

describe('renovation.domain term', () => {
  it('allows a term of exactly 3 months and refuses one day more', () => {
    expect(termEnd('2026-10-01', 3)).toBe('2026-12-31');
    expect(checkTerm('2026-10-01', '2026-12-31')).toBeUndefined();
    expect(checkTerm('2026-10-01', '2027-01-01')).toEqual({ problem: 'too_long', latest: '2026-12-31' });
  });

  it('clamps a term starting on the 30th to the end of a short month', () => {
    expect(termEnd('2026-11-30', 3)).toBe('2027-02-27');
  });

  it('grants an extension of at most 3 months from the day after the current end', () => {
    expect(checkExtension('2026-12-31', '2027-03-31')).toBeUndefined();
    expect(checkExtension('2026-12-31', '2027-04-01')).toEqual({ problem: 'too_long', latest: '2027-03-31' });
    expect(checkExtension('2026-12-31', '2026-12-31')).toEqual({ problem: 'not_after_current', current: '2026-12-31' });
  });
});

describe('renovation.domain deposits and status', () => {
  it('takes 2,000 from the owner when self-renovating and 1,000 + 1,000 otherwise', () => {
    expect(depositPlan(true)).toEqual([{ payer: 'owner', amountFen: 200_000 }]);
    expect(depositPlan(false)).toEqual([
      { payer: 'owner', amountFen: 100_000 },
      { payer: 'contractor', amountFen: 100_000 },
    ]);
  });

  it('moves a permit only along the transition table', () => {
    expect(permitTransition('applied', 'approve')).toBe('active');
    expect(permitTransition('active', 'approveRefund')).toBeUndefined();
    expect(PERMIT_TRANSITIONS.filter((t) => t.to === 'closed')).toEqual([
      { from: 'refund_pending', to: 'closed', by: 'approveRefund' },
    ]);
  });

  it('returns an occupied unit to occupied and anything else to handed over', () => {
    expect(statusAfterRenovation('occupied')).toBe('occupied');
    expect(statusAfterRenovation('vacant')).toBe('handed_over');
  });
});

describe('renovation.domain refund', () => {
  const calendar = makeCalendar(officialCalendar);
  const pass = (passNo: string, returned: boolean): PassRecord => ({
    passNo,
    worker: { name: '王五', idNumber: '11010519491231002X' },
    photoRefs: ['a', 'b'],
    issuedOn: '2026-10-01',
    validUntil: '2026-12-31',
    extensions: [],
    ...(returned ? { returnedOn: '2026-12-01' } : {}),
  });
  const ok = {
    status: 'inspected' as const,
    today: '2026-10-13',
    refundDueDate: '2026-10-13',
    taxRequired: true,
    taxPaid: true,
    missing: [],
    passes: [pass('LS-000001', true), pass('LS-000002', true)],
    passesCounted: 2,
    receiptPresented: true,
    permitPresented: true,
    deposits: [{ payer: 'owner' as const, amountFen: 100_000 }],
    deductions: [],
  };

  it('is due 7 working days after a pass on 2026-09-28: 2026-10-13 (National Day skipped, Sat 10 Oct counted)', () => {
    expect(calendar.addWorkingDays('2026-09-28', REFUND_WAIT_WORKING_DAYS)).toBe('2026-10-13');
  });

  it('counts across a year end: a pass on 2025-12-26 is due 2026-01-07 (New Year skipped, Sun 4 Jan counted)', () => {
    expect(calendar.addWorkingDays('2025-12-26', REFUND_WAIT_WORKING_DAYS)).toBe('2026-01-07');
  });

  it('allows the refund when every condition holds', () => {
    expect(refundProblems(ok)).toEqual([]);
  });

  it('names the pass still out, the missing documents, unpaid tax and missing originals', () => {
    const problems = refundProblems({
      ...ok,
      passes: [pass('LS-000001', true), pass('LS-000002', false)],
      taxPaid: false,
      missing: ['worker_ids'],
      receiptPresented: false,
    });
    expect(problems).toEqual([
      { problem: 'tax_unpaid' },
      { problem: 'documents_missing', missing: ['worker_ids'] },
      { problem: 'passes_outstanding', passNos: ['LS-000002'] },
      { problem: 'originals_missing', what: ['receipt'] },
    ]);
  });

  it('refuses before the due date and when the counted passes do not match', () => {
    expect(refundProblems({ ...ok, today: '2026-10-12', passesCounted: 1 })).toEqual([
      { problem: 'before_due', dueDate: '2026-10-13' },
      { problem: 'pass_count_mismatch', issued: 2, counted: 1 },
    ]);
  });

  it('deducts damage from the payer it is recorded against', () => {
    expect(
      refundPlan(
        [
          { payer: 'owner', amountFen: 100_000 },
          { payer: 'contractor', amountFen: 100_000 },
        ],
        [{ payer: 'contractor', amountFen: 30_000, reason: '损坏电梯轿厢' }],
      ),
    ).toEqual([
      { payer: 'owner', depositFen: 100_000, deductedFen: 0, refundFen: 100_000 },
      { payer: 'contractor', depositFen: 100_000, deductedFen: 30_000, refundFen: 70_000 },
    ]);
  });
});
