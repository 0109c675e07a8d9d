import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadTeamsPackageConfig } from '../../config.js';
import { isCodedError } from '../../core/errors.js';
import { zip } from './zip.js';

/**
 * `npm run teams:package [-- out.zip]`: the Teams app package (manifest + icons) to upload in Teams.
 * The bot id and the public address come from the same environment the assistant runs with.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function buildTeamsPackage(templateDir: string, values: { appId: string; publicUrl: string }): Promise<Buffer> {
  const url = new URL(values.publicUrl);
  const manifest = (await readFile(join(templateDir, 'manifest.json'), 'utf8'))
    .replaceAll('{{MicrosoftAppId}}', values.appId)
    .replaceAll('{{PUBLIC_URL}}', url.origin)
    .replaceAll('{{PUBLIC_HOST}}', url.host);
  JSON.parse(manifest); // the template must stay valid JSON after substitution
  return zip([
    { name: 'manifest.json', data: Buffer.from(manifest) },
    { name: 'color.png', data: await readFile(join(templateDir, 'color.png')) },
    { name: 'outline.png', data: await readFile(join(templateDir, 'outline.png')) },
  ]);
}

const USAGE = 'Usage: MicrosoftAppId=<bot app id> PUBLIC_URL=https://<your host> npm run teams:package [-- <output .zip, default dist/teams-app.zip>]';

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === '--help' || arg === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (arg?.startsWith('-')) throw new Error(`Unknown option ${arg}\n${USAGE}`);
  const out = arg ?? 'dist/teams-app.zip';
  const config = loadTeamsPackageConfig();
  const problems: string[] = [];
  if (!config.appId || !GUID.test(config.appId)) problems.push('MicrosoftAppId must be set to the bot\'s app id (a GUID)');
  if (!config.publicUrl?.startsWith('https://')) problems.push('PUBLIC_URL must be set to the public https address Teams reaches the assistant on');
  if (problems.length) throw new Error(`Cannot build the Teams package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const data = await buildTeamsPackage('teams', { appId: config.appId!, publicUrl: config.publicUrl! });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, data);
  process.stdout.write(`Teams app package written to ${out} (${data.length} bytes). Upload it in Teams: Apps → Manage your apps → Upload an app.\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
