/**
 * The inspection concern of the training state: the run's vocabulary and example queries, and the latest look
 * inside each arm on the chosen query (attention maps, single-query logit lens), kept as the workers sent them. Pure.
 */
import type { ExampleOption, VocabInfo } from '../data/queries';
import type { Arm } from '../experiment/domain';
import type { AttentionMessage, FromWorker, LensMessage } from '../worker/protocol';

export interface InspectionState {
  vocab: VocabInfo | null;
  examples: ExampleOption[];
  attention: Partial<Record<Arm, AttentionMessage>>;
  lens: Partial<Record<Arm, LensMessage>>;
}

export const INSPECTION_KEYS = ['vocab', 'examples', 'attention', 'lens'] as const satisfies readonly (keyof InspectionState)[];

export const initialInspection = (): InspectionState => ({ vocab: null, examples: [], attention: {}, lens: {} });

export function reduceInspection(s: InspectionState, m: FromWorker): InspectionState {
  switch (m.type) {
    case 'examples':
      return { ...s, vocab: m.vocab, examples: m.examples };
    case 'attention':
      return { ...s, attention: { ...s.attention, [m.arm]: m } };
    case 'lens':
      return { ...s, lens: { ...s.lens, [m.arm]: m } };
    default:
      return s;
  }
}
