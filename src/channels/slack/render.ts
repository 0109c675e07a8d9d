import type { Labelled, OutboundReply } from '../../core/messages.js';
import { replyAsPlainText, textBar } from '../../core/messages.js';

/**
 * OutboundReply[] → Block Kit, pure. Choices become buttons whose `value` is the choice (a click
 * answers exactly as typing would); contact details become section fields. The plain `text`
 * fallback is always set, for notifications and screen readers.
 */
export type Block = Record<string, unknown> & { type: string; block_id?: string };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Slack's limits: 3000 characters per section text, 10 fields, 25 buttons per actions block, 50 blocks per message. Long texts take several sections. */
const SECTION_MAX = 3000;
const FIELDS_MAX = 10;
const BUTTONS_MAX = 25;
const BLOCKS_MAX = 50;
const BUTTON_TEXT_MAX = 75;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Sections holding the whole of a mrkdwn text: one per 3000 characters, cut at line breaks (or, in a
 * line longer than a section, at a space, never inside an escaped character), so nothing is lost:
 * the what-happens-next steps run past 3000 characters in French and German.
 */
export function sections(mrkdwn: string): Block[] {
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) pieces.push(current);
    current = '';
  };
  for (const line of mrkdwn.split('\n')) {
    let rest = line;
    while (rest.length > SECTION_MAX) {
      flush();
      const space = rest.lastIndexOf(' ', SECTION_MAX);
      let cut = space > SECTION_MAX / 2 ? space : SECTION_MAX;
      const entity = rest.lastIndexOf('&', cut);
      if (entity > cut - 5 && rest.indexOf(';', entity) >= cut) cut = entity;
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > SECTION_MAX) {
      flush();
      current = rest;
    } else current = joined;
  }
  flush();
  return pieces.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

export const CHOICE_ACTION_PREFIX = 'choice_';
/** A link button: Slack opens its URL and still sends the click, which the channel only acknowledges. */
export const LINK_ACTION_ID = 'open_link';

function blocksFor(reply: OutboundReply, index: number): Block[] {
  switch (reply.kind) {
    case 'text':
      return sections(escapeMrkdwn(reply.text));
    case 'choices': {
      // More than 25 buttons (a long list of schools) take several actions blocks: none is left out.
      const rows: Block[] = [];
      for (let start = 0; start < reply.choices.length; start += BUTTONS_MAX) {
        rows.push({
          type: 'actions',
          block_id: start === 0 ? `choices_${index}` : `choices_${index}_${start / BUTTONS_MAX}`,
          elements: reply.choices.slice(start, start + BUTTONS_MAX).map((c, i) => ({
            type: 'button',
            action_id: `${CHOICE_ACTION_PREFIX}${start + i}`,
            text: { type: 'plain_text', text: truncate(c.label, BUTTON_TEXT_MAX), emoji: false },
            value: c.value,
          })),
        });
      }
      return [...sections(escapeMrkdwn(reply.text)), ...rows];
    }
    case 'card':
      return [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*${escapeMrkdwn(reply.title)}*` },
          fields: reply.fields.slice(0, FIELDS_MAX).map((f) => ({
            type: 'mrkdwn',
            text: truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, 2000),
          })),
        },
      ];
    case 'chart': {
      // A Block Kit bar rendering: block characters in code style, the number written beside each bar.
      const max = Math.max(0, ...reply.bars.map((b) => b.value));
      const lines = reply.bars.map((b) => `\`${textBar(b.value, max)}\` *${escapeMrkdwn(b.display)}*  ${escapeMrkdwn(b.label)}`);
      return sections([`*${escapeMrkdwn(reply.title)}*`, ...lines].join('\n'));
    }
    case 'link':
      return [
        ...sections(escapeMrkdwn(reply.text)),
        {
          type: 'actions',
          block_id: `link_${index}`,
          elements: [{ type: 'button', action_id: LINK_ACTION_ID, text: { type: 'plain_text', text: truncate(reply.label, BUTTON_TEXT_MAX), emoji: false }, url: reply.url }],
        },
      ];
    case 'steps':
      // A section per step, so that a step's bold title never spans two sections.
      return [
        ...sections(`*${escapeMrkdwn(reply.title)}*`),
        ...reply.steps.flatMap((s, i) => sections(`${i + 1}. *${escapeMrkdwn(s.title)}*\n${escapeMrkdwn(s.detail)}`)),
      ];
  }
}

/**
 * One message per 50 blocks (usually one for a whole turn, so the user gets one notification).
 * `labelled`: how the reader's language writes "label: value" in the plain-text fallback (French: "Nom : …").
 */
export function renderForSlack(replies: OutboundReply[], labelled?: Labelled): SlackMessage[] {
  const messages: SlackMessage[] = [];
  let blocks: Block[] = [];
  let texts: string[] = [];
  replies.forEach((reply, index) => {
    const next = blocksFor(reply, index);
    if (blocks.length + next.length > BLOCKS_MAX) {
      messages.push({ text: texts.join('\n\n'), blocks });
      blocks = [];
      texts = [];
    }
    blocks.push(...next);
    // The fallback is mrkdwn too (notifications show it): what people typed must not become a mention or a link.
    texts.push(escapeMrkdwn(replyAsPlainText(reply, labelled)));
  });
  if (blocks.length) messages.push({ text: truncate(texts.join('\n\n'), 40000), blocks });
  return messages;
}

/** App Home: the same blocks in a home view (a view allows up to 100 blocks). */
export function renderHome(replies: OutboundReply[]): { type: 'home'; blocks: Block[] } {
  return { type: 'home', blocks: replies.flatMap(blocksFor).slice(0, 100) };
}

/**
 * The clicked message after a click: its buttons are replaced by a note of what was chosen, so
 * they cannot be pressed twice.
 */
/** The question a row of buttons belongs to: a long list has several rows (choices_3, choices_3_1 …). */
export function choiceGroup(blockId: string): string {
  return blockId.split('_').slice(0, 2).join('_');
}

export function answeredBlocks(blocks: Block[], blockId: string, chosenLabel: string): Block[] {
  // Every row of the question's buttons goes; the first becomes the note.
  const group = choiceGroup(blockId);
  const inGroup = (block: Block) => block.type === 'actions' && (block.block_id === group || block.block_id?.startsWith(`${group}_`));
  const first = blocks.findIndex(inGroup);
  return blocks.flatMap((block, i) => {
    if (!inGroup(block)) return [block];
    return i === first ? [{ type: 'context', block_id: group, elements: [{ type: 'mrkdwn', text: `✓ ${escapeMrkdwn(chosenLabel)}` }] }] : [];
  });
}
