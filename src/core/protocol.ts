import { randomUUID } from 'node:crypto';
import type { DirectoryView } from '../directory/directory.js';
import type { ProtocolRecordsRepository } from '../store/protocolRecords.js';
import type { PlannedMeeting, ProtocolEvaluation } from '../store/schema.js';
import { localDate } from './dates.js';
import { meetingsStatus, protocolStatus, type MeetingsStatus, type ProtocolStatus } from './protocolStatus.js';

/** The information-sharing protocol's evaluations and the platform meetings, as recorded in the chat. */
export class ProtocolService {
  constructor(
    private readonly repo: ProtocolRecordsRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  status(): ProtocolStatus {
    return protocolStatus(this.directory(), this.repo.evaluations(), this.today());
  }

  meetings(): MeetingsStatus {
    return meetingsStatus(this.directory(), this.repo.meetings(), this.today());
  }

  recordEvaluation(entry: Pick<ProtocolEvaluation, 'date' | 'outcome' | 'nextDate' | 'recordedBy'>): ProtocolEvaluation {
    const evaluation = { id: randomUUID(), ...entry, createdAt: this.clock().toISOString() };
    this.repo.addEvaluation(evaluation);
    return evaluation;
  }

  planMeeting(entry: Pick<PlannedMeeting, 'date' | 'place' | 'plannedBy'>): PlannedMeeting {
    const meeting = { id: randomUUID(), ...entry, createdAt: this.clock().toISOString() };
    this.repo.addMeeting(meeting);
    return meeting;
  }

  private today() {
    return localDate(this.clock(), this.directory().data.timeZone);
  }
}
