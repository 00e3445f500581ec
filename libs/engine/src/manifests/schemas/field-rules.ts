import * as z from 'zod';
import type { FieldReason } from '../../errors/domain-error';
import type { ToleratedRule } from '../field-validation';
import { parseCidr, parseIpAddress } from '../../addresses/cidr-blocks';
import { checkDns1123Label, checkDns1123Subdomain, checkLabelValue, checkPortName, checkPortNumber, checkQualifiedName } from '../names';

/**
 * Zod building blocks shared by the kind schemas. Semantic rules are attached as custom
 * issues carrying the Kubernetes `StatusCause` reason in `params.reason`, so one mapping
 * (schema-issues.ts) turns every problem into a FieldError.
 */

type Ctx = z.core.$RefinementCtx<unknown>;

/** `rule` marks a problem that Warn mode may tolerate (see field-validation.ts). */
export function addFieldIssue(ctx: Ctx, reason: FieldReason, message: string, path: (string | number)[] = [], rule?: ToleratedRule): void {
  ctx.addIssue({ code: 'custom', message, params: rule ? { reason, rule } : { reason }, path });
}

export function invalidValueMessage(value: unknown, problems: string[]): string {
  return `Invalid value: ${JSON.stringify(value)}: ${problems.join('; ')}`;
}

/** A string checked by a Kubernetes name rule. */
export function checkedString(check: (value: string) => string[], rule?: ToleratedRule): z.ZodType<string> {
  return z.string().superRefine((value, ctx) => {
    const problems = check(value);
    if (problems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, problems), [], rule);
  });
}

/**
 * Parts the product does not interpret (status, resources, volumes, probes, env, affinity,
 * securityContext, filters, …) are accepted as any JSON object: validating them would only
 * duplicate the API server without changing any answer this product gives.
 */
export const anyObject = z.record(z.string(), z.unknown());
export const anyValue = z.unknown();
export const stringList = z.array(z.string());
export const integer = z.number().int();

export const dnsSubdomain = checkedString(checkDns1123Subdomain);
export const dnsLabel = checkedString(checkDns1123Label);
export const portName = checkedString(checkPortName);
export const qualifiedName = checkedString(checkQualifiedName);

export const portNumber = z.number().int().superRefine((value, ctx) => {
  const problems = checkPortNumber(value);
  if (problems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, problems));
});

/** Kubernetes' IntOrString: a number or a string, checked as a port (number) or port name (string). */
export const portNumberOrName = z.unknown().superRefine((value, ctx) => {
  if (typeof value === 'number' && Number.isInteger(value)) {
    const problems = checkPortNumber(value);
    if (problems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, problems));
  } else if (typeof value === 'string') {
    const problems = checkPortName(value);
    if (problems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, problems));
  } else {
    addFieldIssue(ctx, 'FieldValueTypeInvalid', `Invalid value: ${JSON.stringify(value)}: must be an integer or a string`);
  }
}) as z.ZodType<number | string>;

/** IntOrString without further checks (e.g. rolling update maxSurge "25%"). */
export const intOrString = z.unknown().superRefine((value, ctx) => {
  if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
    addFieldIssue(ctx, 'FieldValueTypeInvalid', `Invalid value: ${JSON.stringify(value)}: must be an integer or a string`);
  }
}) as z.ZodType<number | string>;

export const SUPPORTED_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export const protocol = z.string().superRefine((value, ctx) => {
  if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(value)) {
    addFieldIssue(ctx, 'FieldValueNotSupported', `Unsupported value: ${JSON.stringify(value)}: supported values: "TCP", "UDP", "SCTP"`);
  }
});

export const cidr = z.string().superRefine((value, ctx) => {
  if (!parseCidr(value)) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']));
});

export const ipAddress = z.string().superRefine((value, ctx) => {
  if (!parseIpAddress(value)) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']));
});

function checkedMap(checkKey: (key: string) => string[], checkValue?: (value: string) => string[], rule?: ToleratedRule) {
  return z.record(z.string(), z.string()).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      const keyProblems = checkKey(key);
      if (keyProblems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(key, keyProblems), [key], rule);
      const valueProblems = checkValue?.(value) ?? [];
      if (valueProblems.length) addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, valueProblems), [key], rule);
    }
  });
}

/** Label maps of selectors (matchLabels): their syntax is never tolerated, selectors decide verdicts. */
export const labelMap = checkedMap(checkQualifiedName, checkLabelValue);
/** Labels and annotations an object carries: Warn mode tolerates their syntax (compared as plain strings). */
export const objectLabelMap = checkedMap(checkQualifiedName, checkLabelValue, 'labelSyntax');
export const annotationMap = checkedMap(checkQualifiedName, undefined, 'labelSyntax');

const selectorOperator = z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** metav1.LabelSelector, with ValidateLabelSelectorRequirement's value-count rules. */
export const labelSelector = z.strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(
      z
        .strictObject({ key: qualifiedName, operator: selectorOperator, values: z.array(checkedString(checkLabelValue)).optional() })
        .superRefine((req, ctx) => {
          const count = req.values?.length ?? 0;
          if ((req.operator === 'In' || req.operator === 'NotIn') && count === 0) {
            addFieldIssue(ctx, 'FieldValueRequired', 'Required value: must be specified when `operator` is \'In\' or \'NotIn\'', ['values']);
          }
          if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && count > 0) {
            addFieldIssue(ctx, 'FieldValueForbidden', 'Forbidden: may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'', ['values']);
          }
        }),
    )
    .optional(),
});

/** Kinds whose status the product never interprets: any object. */
export const status = anyObject.optional();
