import type { Labelled, OutboundReply } from '../../core/messages.js';
import { plainLabelled, replyAsPlainText } from '../../core/messages.js';

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
  channelData?: { reply: OutboundReply['kind']; chart?: { label: string; value: number; display: string }[]; link?: { label: string; url: string } };
  /** A link as a hero card's openUrl button, which Direct Line clients such as Web Chat show. */
  attachments?: { contentType: 'application/vnd.microsoft.card.hero'; content: { buttons: { type: 'openUrl'; title: string; value: string }[] } }[];
}

/** `labelled` joins a card's label and value, a step's title and detail, a bar's label and number, as the reader's language does. */
export function renderForWeb(reply: OutboundReply, labelled: Labelled = plainLabelled): RenderedActivity {
  if (reply.kind === 'chart') {
    // The numbers as text for everyone (screen readers too); the widget draws the bars beside them.
    return {
      type: 'message',
      text: [reply.title, ...reply.bars.map((b) => labelled(b.label, b.display))].join('\n'),
      textFormat: 'plain',
      channelData: { reply: 'chart', chart: reply.bars },
    };
  }
  if (reply.kind === 'link') {
    // The widget shows channelData.link as a link under the text; other clients get the card.
    return {
      type: 'message',
      text: reply.text,
      textFormat: 'plain',
      channelData: { reply: 'link', link: { label: reply.label, url: reply.url } },
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: reply.label, value: reply.url }] } }],
    };
  }
  const base: RenderedActivity = {
    type: 'message',
    text: reply.kind === 'choices' ? reply.text : replyAsPlainText(reply, labelled),
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
