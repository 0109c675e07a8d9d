import { describe, expect, it } from '@jest/globals';
import { fromSlackText, slackInbound, withoutMentions } from '../../../src/channels/slack/toInbound.js';

describe('Slack text as the user typed it', () => {
  it('unwraps what Slack recognised and decodes its escapes', () => {
    expect(fromSlackText('<mailto:kim@oak.sch.uk|kim@oak.sch.uk>')).toBe('kim@oak.sch.uk');
    expect(fromSlackText('Kim &amp; Lee')).toBe('Kim & Lee');
    expect(fromSlackText('a &lt;b&gt; c')).toBe('a <b> c');
    expect(fromSlackText('see <https://school.example/x|school.example/x> or <https://a.example>')).toBe('see school.example/x or https://a.example');
    expect(fromSlackText('<tel:+3212345|+32 12 345>')).toBe('+32 12 345');
    expect(fromSlackText('<@U123> and <#C1|general> and <!here>')).toBe('@U123 and #general and @here');
  });

  it('reaches the engine decoded (an e-mail address typed for a call-back is an e-mail address)', () => {
    const inbound = slackInbound({ userId: 'U1', dmChannelId: 'D1', text: ' <mailto:kim@oak.sch.uk|kim@oak.sch.uk> ' });
    expect(inbound.text).toBe('kim@oak.sch.uk');
    expect(withoutMentions('<@U0BOT> help', 'U0BOT')).toBe('help');
  });
});
