import nock from 'nock';

export const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
export const BOT = { id: '28:bot-app-id', name: 'School liaison assistant' };

export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

let seq = 0;

/** An activity as the Bot Connector posts it to /api/messages. */
export function activity(user: TeamsUser, fields: Record<string, unknown>, conversationId = `a:personal-${user.aadObjectId}`) {
  seq += 1;
  return {
    type: 'message',
    id: `act-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    timestamp: new Date().toISOString(),
    serviceUrl: SERVICE_URL,
    channelId: 'msteams',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
    recipient: BOT,
    channelData: { tenant: { id: 'tenant-1' } },
    ...fields,
  };
}

export async function postActivity(base: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface ConnectorCall {
  path: string;
  body: {
    type: string;
    text?: string;
    attachments?: {
      contentType: string;
      content: { body: { type: string; text?: string; facts?: { title: string; value: string }[]; actions?: CardAction[] }[]; actions?: CardAction[] };
    }[];
  };
}

type CardAction = { title: string; data: { choice: string } };

/** A card's buttons in the order shown: those of its ActionSets in the body, then its own actions. */
export function cardActions(content: { body: { actions?: CardAction[] }[]; actions?: CardAction[] }): CardAction[] {
  return [...content.body.flatMap((b) => b.actions ?? []), ...(content.actions ?? [])];
}

/** A fake Bot Connector at the service URL; `override` may fail a call with a status (and headers, such as Retry-After). */
export function fakeConnector(options: { override?: (call: ConnectorCall) => number | [number, Record<string, string>] | undefined } = {}) {
  const calls: ConnectorCall[] = [];
  nock('https://smba.trafficmanager.net')
    .persist()
    .post(/^\/emea\/v3\/conversations\/[^/]+\/activities(\/.*)?$/)
    .reply((path, body) => {
      const call = { path, body: body as ConnectorCall['body'] };
      calls.push(call);
      const failure = options.override?.(call);
      if (failure) {
        const [status, headers] = typeof failure === 'number' ? [failure, {}] : failure;
        return [status, { error: { code: 'Failure', message: 'refused' } }, headers];
      }
      return [200, { id: `reply-${calls.length}` }];
    });
  return {
    calls,
    /** Every text the bot sent: message texts and card TextBlocks and facts. */
    texts: (from = 0) =>
      calls.slice(from).flatMap((c) => [
        ...(c.body.text ? [c.body.text] : []),
        ...(c.body.attachments ?? []).flatMap((a) => a.content.body.flatMap((b) => [b.text ?? '', ...(b.facts ?? []).map((f) => `${f.title}: ${f.value}`)])),
      ]),
    /** The Action.Submit choices of the last card with actions. */
    lastChoices: () =>
      [...calls]
        .reverse()
        .flatMap((c) => c.body.attachments ?? [])
        .map((a) => cardActions(a.content))
        .find((actions) => actions.length)
        ?.map((a) => ({ title: a.title, choice: a.data.choice })) ?? [],
  };
}
