import { z } from 'zod';

/**
 * Validation schemas for catalog data files. Every record in knowledge/data is checked against these
 * on load, so a bad edit by a portal editor fails with the file, record and field named.
 */

export const PROCEDURE_CODE = /^\d\.\d{6}$/;

const verifiableText = z.object({
  text: z.string().min(1),
  verified: z.boolean(),
});

export const submissionChannelSchema = z.object({
  method: z.enum(['truc_tiep', 'truc_tuyen', 'buu_chinh']),
  processingTime: verifiableText.extend({ workingDays: z.number().min(0).max(365).optional() }),
  fee: verifiableText.extend({ amountVnd: z.number().int().min(0).optional() }),
  description: z.string().optional(),
});

export const procedureSchema = z
  .object({
    code: z.string().regex(PROCEDURE_CODE, 'mã thủ tục phải có dạng 1.001193'),
    codeVerified: z.boolean(),
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id must be a kebab-case slug'),
    name: z.string().min(3),
    field: z.string().min(2),
    level: z.enum(['trung_uong', 'tinh', 'xa']),
    agencyId: z.string().min(2),
    implementingAgency: z.string().min(3),
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
    documentsVerified: z.boolean(),
    result: z.string().min(3),
    conditions: z.string().optional(),
    legalBasis: z
      .array(z.object({ number: z.string().min(3), title: z.string().min(3), verified: z.boolean() }))
      .min(1),
    onlineLevel: z.enum(['toan_trinh', 'mot_phan', 'khong']),
    onlineUrl: z.url().optional(),
    aliases: z.array(z.string().min(2)).min(1),
    keywords: z.array(z.string().min(2)),
    source: z.object({
      publishingDecision: z.string().optional(),
      url: z.url().optional(),
      asOf: z.iso.date(),
    }),
  })
  .strict();

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
