import { describe, expect, it } from '@jest/globals';
import { answeredBlocks, renderForSlack, renderHome, sections } from '../../src/channels/slack/render.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';
import { realDirectory } from '../helpers/fixtures.js';
import { renderForTeams } from '../../src/channels/teams/render.js';
import { renderForWeb } from '../../src/channels/web/render.js';
import { replyAsPlainText, type OutboundReply } from '../../src/core/messages.js';

const chart: OutboundReply = {
  kind: 'chart',
  title: 'Topics asked for',
  bars: [
    { label: 'Critical thinking', value: 15, display: '15' },
    { label: 'Online <radicalisation>', value: 5, display: '5' },
  ],
};
const card: OutboundReply = { kind: 'card', title: 'Liaison officer', fields: [{ label: 'Phone', value: '+32 3 555 01 21' }] };
const choices: OutboundReply = { kind: 'choices', text: 'Pick one', choices: [{ label: 'Yes', value: 'y' }, { label: 'No', value: 'n' }] };

const link: OutboundReply = { kind: 'link', text: 'The whole report as CSV <for you> & yours.', label: 'Download the report (CSV)', url: 'https://assistant.example.org/exports/AbCdEfGhIjKlMnOpQrStUv' };

describe('channel renderers', () => {
  it('Slack: the plain-text fallback joins a card\'s labels and values as the reader\'s language does', () => {
    const [message] = renderForSlack([{ kind: 'card', title: 'Personne de liaison', fields: [{ label: 'Nom', value: 'Sanne Peeters' }] }], (label, value) => `${label} : ${value}`);
    expect(message!.text).toBe('Personne de liaison\nNom : Sanne Peeters');
  });

  it('a link: Slack a URL button (no value, so a click runs no turn), Teams Action.OpenUrl, web the widget\'s channelData and a hero card; the plain-text fallback names the link but leaves the URL out', () => {
    const [slack] = renderForSlack([link]);
    expect(slack!.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'The whole report as CSV &lt;for you&gt; &amp; yours.' } },
      { type: 'actions', block_id: 'link_0', elements: [{ type: 'button', action_id: 'open_link', text: { type: 'plain_text', text: 'Download the report (CSV)', emoji: false }, url: link.url }] },
    ]);
    expect(slack!.text).toBe('The whole report as CSV &lt;for you&gt; &amp; yours.\nDownload the report (CSV)');
    expect(replyAsPlainText(link)).not.toContain('exports');
    const teams = renderForTeams(link);
    const content = teams.attachments![0]!.content as { body: { text: string }[]; actions: unknown[] };
    expect(content.body[0]!.text).toBe('The whole report as CSV <for you\\> & yours.'); // card Markdown escaped, as for every text
    expect(content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Download the report (CSV)', url: link.url }]);
    expect(renderForWeb(link)).toEqual({
      type: 'message',
      text: 'The whole report as CSV <for you> & yours.',
      textFormat: 'plain',
      channelData: { reply: 'link', link: { label: 'Download the report (CSV)', url: link.url } },
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Download the report (CSV)', value: link.url }] } }],
    });
  });

  it('Slack: Block Kit with buttons carrying the choice, fields for contacts, text bars with the numbers, escaped mrkdwn and a text fallback', () => {
    const [message] = renderForSlack([choices, card, chart]);
    expect(message!.text).toContain('1. Yes');
    const json = JSON.stringify(message!.blocks);
    expect(json).toContain('"value":"y"');
    expect(json).toContain('*Phone*\\n+32 3 555 01 21');
    expect(json).toContain('████████████` *15*  Critical thinking');
    expect(json).toContain('Online &lt;radicalisation&gt;');
    expect(renderHome([choices]).type).toBe('home');
  });

  it('Slack: the what-happens-next steps arrive whole in every language (a section per step, none over 3000 characters)', async () => {
    const dir = (await realDirectory()).data;
    for (const lang of SUPPORTED_LANGUAGES) {
      const steps = dir.nextSteps.map((s) => ({ title: `${s.title[lang]} (${s.timeFrame[lang]})`, detail: s.description[lang] }));
      const [message] = renderForSlack([{ kind: 'steps', title: 'Next', steps }]);
      const texts = message!.blocks.map((b) => (b.text as { text: string }).text);
      expect(texts.every((t) => t.length <= 3000)).toBe(true);
      expect(texts.join('\n').length).toBeGreaterThan(2500); // long enough that one section used to cut it short in fr and de
      for (const step of steps) expect(texts.some((t) => t.includes(step.detail.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))).toBe(true);
    }
  });

  it('Slack: a text longer than a section is split at line breaks, or at spaces, never inside an escaped character, and nothing is lost', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} ${'word '.repeat(20)}`.trim());
    const split = sections(lines.join('\n')).map((b) => (b.text as { text: string }).text);
    expect(split.length).toBeGreaterThan(1);
    expect(split.every((t) => t.length <= 3000)).toBe(true);
    expect(split.join('\n')).toBe(lines.join('\n'));
    const oneLine = `${'a'.repeat(2997)}&amp;${'b'.repeat(10)}`; // no space to cut at; the cut must not fall inside &amp;
    const hard = sections(oneLine).map((b) => (b.text as { text: string }).text);
    expect(hard).toEqual(['a'.repeat(2997), `&amp;${'b'.repeat(10)}`]);
    const spaced = sections(`${'x '.repeat(1600)}end`).map((b) => (b.text as { text: string }).text);
    expect(spaced.every((t) => t.length <= 3000 && !t.startsWith(' '))).toBe(true);
    expect(spaced.join(' ').replace(/\s+/g, ' ')).toBe(`${'x '.repeat(1600)}end`);
    expect(sections('')).toEqual([]);
  });

  it('Slack: more than 25 choices take several rows of buttons, none left out; answering removes every row of the question', () => {
    const many: OutboundReply = { kind: 'choices', text: 'Which school?', choices: Array.from({ length: 37 }, (_, i) => ({ label: `School ${i}`, value: `s${i}` })) };
    const [message] = renderForSlack([many, choices]);
    const rows = message!.blocks.filter((b) => b.type === 'actions') as unknown as { block_id: string; elements: { value: string }[] }[];
    expect(rows.map((r) => r.elements.length)).toEqual([25, 12, 2]);
    expect(rows.slice(0, 2).flatMap((r) => r.elements.map((e) => e.value))).toEqual(many.choices.map((c) => c.value));
    const answered = answeredBlocks(message!.blocks, rows[1]!.block_id, 'School 30');
    const left = answered.filter((b) => b.type === 'actions') as unknown as { elements: { value: string }[] }[];
    expect(left.map((r) => r.elements.length)).toEqual([2]); // the other question's buttons stay
    expect(JSON.stringify(answered)).toContain('✓ School 30');
  });

  it('Slack: the plain-text fallback (shown in notifications) cannot carry a mention or a disguised link typed by someone', () => {
    const [message] = renderForSlack([{ kind: 'text', text: 'Call-back for <!channel> <@U0COORD> <https://evil.example|Kim>' }]);
    expect(message!.text).not.toMatch(/<[!@h]/);
    expect(message!.text).toContain('&lt;!channel&gt;');
  });

  it('Slack: more than 50 blocks are split over several messages', () => {
    const many = Array.from({ length: 60 }, (_, i): OutboundReply => ({ kind: 'text', text: `line ${i}` }));
    const messages = renderForSlack(many);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.blocks).toHaveLength(50);
  });

  it('Teams: a dozen choices (a menu) all shown, as ActionSets of at most five buttons in the card\'s body (Teams hides a card\'s actions beyond its maxActions)', () => {
    const menu: OutboundReply = { kind: 'choices', text: 'Menu', choices: Array.from({ length: 13 }, (_, i) => ({ label: `Item ${i}`, value: `v${i}` })) };
    const activity = renderForTeams(menu) as { attachments: { content: { body: { type: string; actions?: { data: { choice: string } }[] }[]; actions?: unknown[] } }[] };
    const content = activity.attachments[0]!.content;
    expect(content.actions).toBeUndefined();
    const sets = content.body.filter((b) => b.type === 'ActionSet');
    expect(sets.map((s) => s.actions!.length)).toEqual([5, 5, 3]);
    expect(sets.flatMap((s) => s.actions!.map((a) => a.data.choice))).toEqual(menu.choices.map((c) => c.value));
  });

  it('Teams: Action.Submit with the choice, a FactSet, and bars as Adaptive Card columns with the numbers', () => {
    const submit = JSON.stringify(renderForTeams(choices));
    expect(submit).toContain('"type":"Action.Submit"');
    expect(submit).toContain('"choice":"y"');
    expect(JSON.stringify(renderForTeams(card))).toContain('"type":"FactSet"');
    const bars = JSON.stringify(renderForTeams(chart));
    expect(bars).toContain('"width":100');
    expect(bars).toContain('"width":33');
    expect(bars).toContain('"text":"15"');
  });

  it('Teams: text from people cannot become a disguised link in a card (square brackets escaped), in text blocks and facts', () => {
    const linkName = '[Open the request](https://phish.example/login)';
    const escaped = '\\[Open the request\\](https://phish.example/login)';
    const card = renderForTeams({ kind: 'card', title: `Call-back from ${linkName}`, fields: [{ label: 'Name', value: linkName }] });
    const content = card.attachments![0]!.content as { body: [{ text: string }, { facts: { value: string }[] }] };
    expect(content.body[0].text).toBe(`Call-back from ${escaped}`);
    expect(content.body[1].facts[0]!.value).toBe(escaped);
    const prompt = renderForTeams({ kind: 'choices', text: `Note: ${linkName}`, choices: [{ label: 'OK', value: 'ok' }] });
    expect((prompt.attachments![0]!.content as { body: { text: string }[] }).body[0]!.text).toBe(`Note: ${escaped}`);
    // Nor a bold fake status line or a heading in the bot's own voice.
    const bold = renderForTeams({ kind: 'card', title: 'Call-back from **Request withdrawn** # heading _x_', fields: [] });
    expect((bold.attachments![0]!.content as { body: { text: string }[] }).body[0]!.text).toBe('Call-back from \\*\\*Request withdrawn\\*\\* \\# heading \\_x\\_');
  });

  it('Teams: a button sends its choice as value and its label as text (for a client that drops one of them)', () => {
    const prompt = renderForTeams({ kind: 'choices', text: 'Pick', choices: [{ label: 'Yes', value: 'y' }] });
    const action = (prompt.attachments![0]!.content as { body: { actions?: { data: unknown }[] }[] }).body[1]!.actions![0]!;
    expect(action.data).toEqual({ choice: 'y', msteams: { type: 'messageBack', displayText: 'Yes', text: 'Yes', value: { choice: 'y' } } });
  });

  it('Web: suggested actions (messageBack) and charts as text with the numbers, bars for the widget in channelData', () => {
    const web = renderForWeb(choices);
    expect(web.suggestedActions!.actions[0]).toEqual({ type: 'messageBack', title: 'Yes', text: 'Yes', displayText: 'Yes', value: { choice: 'y' } });
    const rendered = renderForWeb(chart);
    expect(rendered.text).toBe('Topics asked for\nCritical thinking: 15\nOnline <radicalisation>: 5');
    expect(rendered.channelData?.chart).toHaveLength(2);
  });
});
