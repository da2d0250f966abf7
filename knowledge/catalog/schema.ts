import { z } from 'zod';
import { VERIFYING_SOURCE_KINDS } from '../../src/domain/procedure.js';

/**
 * Validation schemas for catalog data files. Every record in knowledge/data is checked against these
 * on load, so a bad edit by a portal editor fails with the file, record and field named.
 *
 * Provenance rules (issue 13) enforced here: every fee, processing time, agency, document list and legal
 * basis has at least one source and a check date; `verified: true` only when one of its sources is the
 * procedure's own record, its publishing decision or the law; `validFrom` ≤ `validTo`; a fee's schedule
 * entries do not overlap. A check date in the future is caught by the loader, which has a clock.
 */

export const PROCEDURE_CODE = /^\d\.\d{6}$/;

const isoDate = z.iso.date();

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) address' });

export const factSourceSchema = z
  .object({
    url: httpUrl,
    kind: z.enum(['procedure_record', 'decision', 'law', 'provincial_portal', 'portal_home', 'secondary']),
    title: z.string().min(1).optional(),
    date: isoDate.optional(),
  })
  .strict();

const sources = z.array(factSourceSchema).min(1, 'at least one source');

type Sourced = { sources: { kind: string }[]; verified: boolean };
type Bounded = { validFrom?: string | undefined; validTo?: string | undefined };

/** `verified` only with a source that can verify (procedure record, decision, law). */
function verifiedNeedsRecord(value: Sourced, ctx: z.core.$RefinementCtx): void {
  if (value.verified && !value.sources.some((s) => (VERIFYING_SOURCE_KINDS as readonly string[]).includes(s.kind))) {
    ctx.addIssue({
      code: 'custom',
      path: ['verified'],
      message: 'verified needs a source of kind procedure_record, decision or law (a portal home page verifies nothing)',
    });
  }
}

function orderedBounds(value: Bounded, ctx: z.core.$RefinementCtx, path: PropertyKey[] = []): void {
  if (value.validFrom && value.validTo && value.validFrom > value.validTo) {
    ctx.addIssue({ code: 'custom', path: [...path, 'validTo'], message: `validTo ${value.validTo} is before validFrom ${value.validFrom}` });
  }
}

const provenanceShape = {
  sources,
  checkedAt: isoDate,
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
  verified: z.boolean(),
  disputed: z.array(z.object({ text: z.string().min(1), sources }).strict()).min(1).optional(),
  unknown: z.string().min(3).optional(),
};

export const provenanceSchema = z
  .object(provenanceShape)
  .strict()
  .superRefine((v, ctx) => {
    verifiedNeedsRecord(v, ctx);
    orderedBounds(v, ctx);
  });

const scheduleEntry = z
  .object({
    text: z.string().min(1),
    amountVnd: z.number().int().min(0).optional(),
    validFrom: isoDate.optional(),
    validTo: isoDate.optional(),
  })
  .strict();

/** Whether two inclusive date ranges (open ends unbounded) share a day. */
export function rangesOverlap(a: Bounded, b: Bounded): boolean {
  const aFrom = a.validFrom ?? '0000-01-01';
  const aTo = a.validTo ?? '9999-12-31';
  const bFrom = b.validFrom ?? '0000-01-01';
  const bTo = b.validTo ?? '9999-12-31';
  return aFrom <= bTo && bFrom <= aTo;
}

const processingTimeSchema = z
  .object({ text: z.string().min(1), workingDays: z.number().min(0).max(365).optional(), ...provenanceShape })
  .strict()
  .superRefine((v, ctx) => {
    verifiedNeedsRecord(v, ctx);
    orderedBounds(v, ctx);
  });

const feeSchema = z
  .object({
    text: z.string().min(1),
    amountVnd: z.number().int().min(0).optional(),
    schedule: z.array(scheduleEntry).min(1).optional(),
    exemptions: z.array(z.object({ group: z.string().min(2), text: z.string().min(3), sources }).strict()).min(1).optional(),
    ...provenanceShape,
  })
  .strict()
  .superRefine((v, ctx) => {
    verifiedNeedsRecord(v, ctx);
    orderedBounds(v, ctx);
    const schedule = v.schedule ?? [];
    schedule.forEach((entry, i) => {
      orderedBounds(entry, ctx, ['schedule', i]);
      for (let j = 0; j < i; j++) {
        if (rangesOverlap(schedule[j]!, entry)) {
          ctx.addIssue({ code: 'custom', path: ['schedule', i], message: `overlaps schedule entry ${j}` });
        }
      }
    });
  });

export const submissionChannelSchema = z.object({
  method: z.enum(['truc_tiep', 'truc_tuyen', 'buu_chinh']),
  processingTime: processingTimeSchema,
  fee: feeSchema,
  description: z.string().optional(),
});

export const legalBasisSchema = z
  .object({
    number: z.string().min(3),
    title: z.string().min(3),
    verified: z.boolean(),
    status: z.enum(['in_force', 'amended', 'expired', 'pending', 'unknown']),
    effectiveFrom: isoDate.optional(),
    expiresOn: isoDate.optional(),
    sources,
    checkedAt: isoDate,
  })
  .strict()
  .superRefine((v, ctx) => {
    verifiedNeedsRecord(v, ctx);
    if (v.effectiveFrom && v.expiresOn && v.effectiveFrom >= v.expiresOn) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: `expiresOn ${v.expiresOn} is not after effectiveFrom ${v.effectiveFrom}` });
    }
  });

export const procedureSchema = z
  .object({
    code: z.string().regex(PROCEDURE_CODE, 'mã thủ tục phải có dạng 1.001193').optional(),
    codeVerified: z.boolean(),
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id must be a kebab-case slug'),
    name: z.string().min(3),
    field: z.string().min(2),
    level: z.enum(['trung_uong', 'tinh', 'xa']),
    agencyId: z.string().min(2),
    implementingAgency: z.string().min(3),
    agencyFact: provenanceSchema,
    audience: z.array(z.string().min(1)).min(1),
    description: z.string().min(10),
    channels: z.array(submissionChannelSchema).min(1),
    steps: z.array(z.string().min(3)).min(1),
    documents: z
      .array(
        z.object({
          name: z.string().min(3),
          copies: z.string().optional(),
          note: z.string().optional(),
          caseGroup: z.string().optional(),
        }),
      )
      .min(1),
    documentsFact: provenanceSchema,
    result: z.string().min(3),
    conditions: z.string().optional(),
    conditionsFact: provenanceSchema.optional(),
    legalBasis: z.array(legalBasisSchema).min(1),
    onlineLevel: z.enum(['toan_trinh', 'mot_phan', 'khong']),
    onlineUrl: z.url().optional(),
    aliases: z.array(z.string().min(2)).min(1),
    keywords: z.array(z.string().min(2)),
    /** The record's edit metadata; `asOf` is the edit date, not a check date (facts carry `checkedAt`). */
    source: z.object({
      publishingDecision: z.string().optional(),
      url: z.url().optional(),
      asOf: isoDate,
    }),
  })
  .strict()
  .superRefine((v, ctx) => {
    // Conditions change what a citizen must be or bring (who needs a permit, who is exempt): sourced like any fact.
    if (v.conditions !== undefined && !v.conditionsFact) ctx.addIssue({ code: 'custom', path: ['conditionsFact'], message: 'conditions need their provenance (conditionsFact)' });
    if (v.conditions === undefined && v.conditionsFact) ctx.addIssue({ code: 'custom', path: ['conditionsFact'], message: 'conditionsFact without conditions' });
  });

export const procedureFileSchema = z.object({
  field: z.string().min(2),
  procedures: z.array(z.unknown()),
});

export const agencySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    name: z.string().min(3),
    shortName: z.string().optional(),
    level: z.enum(['tinh', 'xa', 'trung_uong', 'desk']),
    fields: z.array(z.string().min(2)),
    contacts: z.object({
      address: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
      website: z.string().optional(),
      hours: z.string().optional(),
    }),
    keywords: z.array(z.string()).optional(),
  })
  .strict();

export const agencyDirectorySchema = z.object({
  province: z.string().min(2),
  demo: z.boolean(),
  coordinatorId: z.string(),
  agencies: z.array(z.unknown()),
});
