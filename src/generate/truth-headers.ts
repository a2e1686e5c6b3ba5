/**
 * Ground truth travels beside a generated record, in Kafka record headers, never in its value:
 * the model scores the value and must not see the label; an evaluator (the demo, a test) joins
 * the predictions back to the input records and reads the truth from these headers.
 *
 *   streamscore.truth.anomaly: "1" | "0"     (iot)
 *   streamscore.truth.fraud:   "1" | "0"     (fraud)
 *   streamscore.truth.kind:    "none" | the injected kind (e.g. "spike", "card_testing")
 */
import type { FraudTruth } from './fraud.js';
import type { IotTruth } from './iot.js';
import type { ScenarioName } from './scenarios.js';

/** The header holding the positive/negative label, per scenario. */
export const TRUTH_LABEL_HEADERS = {
  iot: 'streamscore.truth.anomaly',
  fraud: 'streamscore.truth.fraud',
} as const satisfies Record<ScenarioName, string>;

export const TRUTH_KIND_HEADER = 'streamscore.truth.kind';

/** A scenario's truth with the scenario-specific name of its label taken away. */
export interface Truth {
  positive: boolean;
  kind: string;
}

export function normaliseTruth(truth: IotTruth | FraudTruth): Truth {
  return { positive: 'anomaly' in truth ? truth.anomaly : truth.fraud, kind: truth.kind };
}

export function truthHeaders(scenario: ScenarioName, truth: Truth): Record<string, string> {
  return { [TRUTH_LABEL_HEADERS[scenario]]: truth.positive ? '1' : '0', [TRUTH_KIND_HEADER]: truth.kind };
}

/** Reads the truth back from a record's headers; undefined when the record carries none. */
export function readTruth(scenario: ScenarioName, headers: Readonly<Record<string, Buffer | string | undefined>>): Truth | undefined {
  const label = headers[TRUTH_LABEL_HEADERS[scenario]];
  if (label === undefined) return undefined;
  const kind = headers[TRUTH_KIND_HEADER];
  return { positive: label.toString() === '1', kind: kind === undefined ? 'unknown' : kind.toString() };
}
