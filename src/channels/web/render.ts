import type { OutboundReply } from '../../core/messages.js';
import { replyAsPlainText } from '../../core/messages.js';

/**
 * OutboundReply → Bot Framework activity fields for the Direct Line endpoint. Choices become
 * `suggestedActions` of type messageBack: the click shows the label and sends `value` back.
 */
export interface RenderedActivity {
  type: 'message';
  text: string;
  textFormat: 'plain';
  suggestedActions?: {
    actions: { type: 'messageBack'; title: string; text: string; displayText: string; value: { choice: string } }[];
  };
  channelData?: { reply: OutboundReply['kind']; chart?: { label: string; value: number; display: string }[] };
}

export function renderForWeb(reply: OutboundReply): RenderedActivity {
  if (reply.kind === 'chart') {
    // The numbers as text for everyone (screen readers too); the widget draws the bars beside them.
    return {
      type: 'message',
      text: [reply.title, ...reply.bars.map((b) => `${b.label}: ${b.display}`)].join('\n'),
      textFormat: 'plain',
      channelData: { reply: 'chart', chart: reply.bars },
    };
  }
  const base: RenderedActivity = {
    type: 'message',
    text: reply.kind === 'choices' ? reply.text : replyAsPlainText(reply),
    textFormat: 'plain',
    channelData: { reply: reply.kind },
  };
  if (reply.kind === 'choices') {
    base.suggestedActions = {
      actions: reply.choices.map((c) => ({ type: 'messageBack', title: c.label, text: c.label, displayText: c.label, value: { choice: c.value } })),
    };
  }
  return base;
}
