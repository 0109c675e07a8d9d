import type { Store } from './store.js';
import { PlannedMeeting, ProtocolEvaluation } from './schema.js';
import { validRecord } from './validRecord.js';

/** Protocol evaluations and platform meetings planned in the chat: the only module that touches them. */
export class ProtocolRecordsRepository {
  constructor(private readonly store: Store) {}

  addEvaluation(evaluation: ProtocolEvaluation): void {
    this.store.data.protocolEvaluations.push(validRecord(ProtocolEvaluation, evaluation, 'protocol evaluation'));
    this.store.changed('protocol');
  }

  evaluations(): readonly ProtocolEvaluation[] {
    return this.store.data.protocolEvaluations;
  }

  addMeeting(meeting: PlannedMeeting): void {
    this.store.data.platformMeetings.push(validRecord(PlannedMeeting, meeting, 'platform meeting'));
    this.store.changed('protocol');
  }

  removeMeeting(id: string): PlannedMeeting | undefined {
    const meeting = this.store.data.platformMeetings.find((m) => m.id === id);
    if (!meeting) return undefined;
    this.store.data.platformMeetings = this.store.data.platformMeetings.filter((m) => m.id !== id);
    this.store.changed('protocol');
    return meeting;
  }

  meetings(): readonly PlannedMeeting[] {
    return this.store.data.platformMeetings;
  }
}
