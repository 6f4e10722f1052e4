/**
 * The security gate's judgement, apart from running the scanner: every finding must be accepted
 * by a baseline entry that says why; an entry that matches nothing any more is stale and must
 * go (or the baseline quietly grows into an allow-list nobody reads).
 */
import { z } from 'zod';

export interface Finding {
  readonly check: string;
  /** Relative to the scanned folder, with forward slashes; "N/A" for whole-application checks. */
  readonly file: string;
  readonly line: number;
  /** The source line the finding points at. */
  readonly sample: string;
  readonly description: string;
}

const baselineEntrySchema = z.strictObject({
  check: z.string().min(1),
  file: z.string().min(1),
  /** A piece of the flagged line, so an entry accepts that call and not every later one in the file. */
  match: z.string().min(1).optional(),
  /** Why this finding is accepted: the review, in a sentence or more. */
  reason: z.string().min(40, 'each accepted finding needs its reason'),
});
export type BaselineEntry = z.infer<typeof baselineEntrySchema>;

const baselineSchema = z.strictObject({ $comment: z.string().optional(), accepted: z.array(baselineEntrySchema) });

export function parseBaseline(text: string): BaselineEntry[] {
  return baselineSchema.parse(JSON.parse(text)).accepted;
}

export interface GateVerdict {
  readonly accepted: readonly Finding[];
  /** Empty when the gate passes. */
  readonly problems: readonly string[];
  readonly unaccepted: readonly Finding[];
}

export function judgeFindings(findings: readonly Finding[], baseline: readonly BaselineEntry[], unparsed: readonly string[] = []): GateVerdict {
  const used = new Set<BaselineEntry>();
  const accepted: Finding[] = [];
  const unaccepted: Finding[] = [];
  for (const finding of findings) {
    const entry = baseline.find((candidate) => candidate.check === finding.check && candidate.file === finding.file && (candidate.match === undefined || finding.sample.includes(candidate.match)));
    if (entry) {
      used.add(entry);
      accepted.push(finding);
    } else {
      unaccepted.push(finding);
    }
  }
  const problems = [
    ...unaccepted.map((finding) => `${finding.check} at ${finding.file}:${finding.line} is not in the reviewed baseline — ${finding.description}: ${finding.sample.slice(0, 160)}`),
    ...baseline.filter((entry) => !used.has(entry)).map((entry) => `baseline entry ${entry.check} at ${entry.file}${entry.match ? ` ("${entry.match}")` : ''} matches no finding any more: remove it`),
    ...unparsed.map((error) => `could not be scanned: ${error}`),
  ];
  return { accepted, problems, unaccepted };
}
