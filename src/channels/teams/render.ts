import type { Activity, Attachment } from 'botbuilder';
import type { OutboundReply } from '../../core/messages.js';

/**
 * OutboundReply → Bot Framework activities for Teams, pure. Choices are Adaptive Card Action.Submit
 * buttons whose data carries the choice (a submit answers exactly as typing would; Teams shows at
 * most three suggested actions, so cards are used); contact details are a FactSet.
 */
const CARD = 'application/vnd.microsoft.card.adaptive';
/** Below Teams' maxActions (5 on some clients, 6 on others), so every button of a set is shown. */
const ACTIONS_PER_SET = 5;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function adaptiveCard(body: unknown[], actions: unknown[] = []): Attachment {
  return {
    contentType: CARD,
    content: { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body, ...(actions.length ? { actions } : {}) },
  };
}

/**
 * Card text is Markdown in Teams, and some of it comes from people (a teacher's name or note in a
 * call-back request): escaping square brackets keeps such text from becoming a disguised link
 * ("[Open the request](https://elsewhere)") in the assistant's own card. Bare URLs stay visible as
 * what they are. No catalogue text uses brackets.
 */
export const escapeCardMarkdown = (text: string): string => text.replace(/[[\]*_~`#>]/g, (c) => `\\${c}`);

const textBlock = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: escapeCardMarkdown(text), wrap: true, ...extra });

export function renderForTeams(reply: OutboundReply): Partial<Activity> {
  switch (reply.kind) {
    case 'text':
      return { type: 'message', text: reply.text, textFormat: 'plain' };
    case 'choices':
      return {
        type: 'message',
        attachments: [
          adaptiveCard([
            textBlock(reply.text),
            // Teams shows only a handful of a card's actions (its host config's maxActions) and hides
            // or drops the rest; a menu has a dozen. So the buttons go in the body, a few per row.
            ...chunk(
              reply.choices.map((c) => ({
                type: 'Action.Submit',
                title: c.label,
                // messageBack shows the label in the chat as if the user had typed it.
                // The label as text too: a client that drops the value still sends what the engine recognises.
                data: { choice: c.value, msteams: { type: 'messageBack', displayText: c.label, text: c.label, value: { choice: c.value } } },
              })),
              ACTIONS_PER_SET,
            ).map((actions) => ({ type: 'ActionSet', actions })),
          ]),
        ],
      };
    case 'card':
      return {
        type: 'message',
        attachments: [
          adaptiveCard([
            textBlock(reply.title, { weight: 'Bolder', size: 'Medium' }),
            { type: 'FactSet', facts: reply.fields.map((f) => ({ title: escapeCardMarkdown(f.label), value: escapeCardMarkdown(f.value) })) },
          ]),
        ],
      };
    case 'chart': {
      // Bars as Adaptive Card columns: a coloured column whose width is the share, the number as text.
      const max = Math.max(1, ...reply.bars.map((b) => b.value));
      return {
        type: 'message',
        attachments: [
          adaptiveCard([
            textBlock(reply.title, { weight: 'Bolder', size: 'Medium' }),
            ...reply.bars.map((b) => ({
              type: 'ColumnSet',
              spacing: 'Small',
              columns: [
                { type: 'Column', width: 'stretch', items: [textBlock(b.label, { size: 'Small' })] },
                {
                  type: 'Column',
                  width: 'stretch',
                  verticalContentAlignment: 'Center',
                  items: [
                    {
                      type: 'ColumnSet',
                      columns: [
                        { type: 'Column', width: Math.max(1, Math.round((b.value / max) * 100)), style: 'accent', minHeight: '12px', items: [] },
                        { type: 'Column', width: Math.max(1, 100 - Math.round((b.value / max) * 100)), items: [] },
                      ],
                    },
                  ],
                },
                { type: 'Column', width: 'auto', items: [textBlock(b.display, { weight: 'Bolder', size: 'Small' })] },
              ],
            })),
          ]),
        ],
      };
    }
    case 'link':
      return { type: 'message', attachments: [adaptiveCard([textBlock(reply.text)], [{ type: 'Action.OpenUrl', title: reply.label, url: reply.url }])] };
    case 'steps':
      return {
        type: 'message',
        attachments: [
          adaptiveCard([
            textBlock(reply.title, { weight: 'Bolder', size: 'Medium' }),
            ...reply.steps.flatMap((s, i) => [textBlock(`${i + 1}. ${s.title}`, { weight: 'Bolder', spacing: 'Medium' }), textBlock(s.detail, { isSubtle: true, spacing: 'Small' })]),
          ]),
        ],
      };
  }
}
