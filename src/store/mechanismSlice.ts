/** The mechanism concern of the training state: each arm's aggregated lens and tracing records, in step order (bounded). Pure. */
import type { Arm } from '../experiment/domain';
import { appendRecord, type MechanismRecord } from '../experiment/mechanism';
import type { FromWorker } from '../worker/protocol';

export interface MechanismState {
  mechanism: Record<Arm, MechanismRecord[]>;
}

export const initialMechanism = (): MechanismState => ({ mechanism: { cot: [], direct: [] } });

export function reduceMechanism(s: MechanismState, m: FromWorker): MechanismState {
  if (m.type !== 'mechanism') return s;
  const arm = m.record.arm;
  return { mechanism: { ...s.mechanism, [arm]: appendRecord(s.mechanism[arm], m.record) } };
}
