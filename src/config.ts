import { existsSync, statSync } from 'node:fs';
import { Cron } from 'croner';
import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from './i18n/languages.js';
import { CodedError, ErrorCode } from './core/errors.js';
import { MAX_TYPED_LENGTH } from './core/messages.js';

/**
 * The only module that reads process.env. Every variable is validated here at start; a bad value
 * stops the start with one message that lists every problem.
 */

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The words a switch takes; the first three mean on. */
const SWITCH_WORDS = ['true', '1', 'yes', 'false', '0', 'no'] as const;
const isOn = (value: string | undefined) => value !== undefined && SWITCH_WORDS.slice(0, 3).includes(value as (typeof SWITCH_WORDS)[number]);

const switchWord = z.enum(SWITCH_WORDS).optional();
const boolean = (fallback: boolean) => switchWord.transform((v) => (v === undefined ? fallback : isOn(v)));

/** A whole number written in digits ("0x10" and "1e3" are numbers to JavaScript, not to an operator). */
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number written in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

/** An origin (scheme, host, port) as browsers send it: "https://school.example/" is taken as https://school.example; a path is refused. */
function asOrigin(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (!['http:', 'https:'].includes(url.protocol) || !['', '/'].includes(url.pathname) || url.search || url.hash) return undefined;
  return url.origin;
}

const origins = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(
    z.array(
      z
        .string()
        .refine((o) => o === '*' || asOrigin(o) !== undefined, 'each entry is * or an origin such as https://www.school.example (http or https, no path)')
        .transform((o) => (o === '*' ? o : asOrigin(o)!)),
    ),
  );

const EnvSchema = z.object({
  PORT: int(3978, 0, 65535),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** The public address, an origin (links, stream URLs and the messaging endpoints are built on it; the assistant is served at the root). */
  PUBLIC_URL: optionalString.pipe(
    z
      .string()
      .refine((v) => asOrigin(v) !== undefined, 'must be an http(s) address without a path, such as https://assistant.example.org')
      .transform((v) => asOrigin(v)!)
      .optional(),
  ),
  STORE_FILE: z
    .string()
    .min(1)
    .refine((path) => !/[/\\]$/.test(path), 'must name a file (such as data/db.json), not end with a slash')
    .refine((path) => !isDirectory(path), 'names a folder: give the path of a file in it, such as data/db.json')
    .default('data/db.json'),
  DIRECTORY_FILE: z.string().min(1).default('data/directory.json'),
  LOCALES_DIR: z.string().min(1).default('locales'),
  /** Overrides the directory's defaultLanguage when set; unset, the directory's is used. */
  DEFAULT_LANGUAGE: z.enum(SUPPORTED_LANGUAGES).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_CHAT_ENABLED: boolean(true),
  WEB_CHAT_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  WEB_ALLOWED_ORIGINS: origins,
  /** At least 15 minutes: Microsoft's Web Chat (directlinejs) refreshes its token every 15 minutes, whatever expires_in says. */
  WEB_TOKEN_TTL_SECONDS: int(1800, 900, 86400),
  WEB_CONVERSATION_IDLE_MINUTES: int(120, 5, 60 * 24 * 30),
  WEB_MAX_CONVERSATIONS: int(10_000, 10, 1_000_000),
  WEB_MAX_MESSAGE_LENGTH: int(2000, 50, MAX_TYPED_LENGTH),
  WEB_RATE_LIMIT_PER_MINUTE: int(600, 1, 10_000_000),
  WEB_RATE_LIMIT_PER_TOKEN_PER_MINUTE: int(60, 1, 10_000_000),
  /** Reverse proxies in front of the server whose X-Forwarded-For is trusted for the client address (0: none). */
  WEB_TRUSTED_PROXY_HOPS: int(0, 0, 5),
  /**
   * A secret that keys the training survey's submitter hashes (HMAC), so that whoever holds the store
   * or a backup without it cannot recompute who answered. Without it the hashes are salted only.
   */
  TRAINING_SUBMITTER_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  CALLBACK_RETENTION_DAYS: int(90, 1, 3650),
  DIALOG_RETENTION_DAYS: int(30, 1, 3650),
  AUDIT_RETENTION_DAYS: int(365, 30, 3650),
  BACKUP_DIR: z.string().min(1).default('data/backups'),
  BACKUP_INTERVAL_HOURS: int(24, 0, 24 * 30),
  BACKUP_KEEP: int(7, 1, 365),
  SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'a bot token starts with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  SLACK_BOT_ID: optionalString,
  SLACK_BOT_USER_ID: optionalString,
  NUDGES_ENABLED: boolean(true),
  NUDGES_CRON: z
    .string()
    .default('*/5 * * * *')
    .refine((pattern) => {
      try {
        new Cron(pattern, { paused: true }).stop();
        return true;
      } catch {
        return false;
      }
    }, 'must be a cron pattern such as */5 * * * * (minute hour day month weekday)'),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /** Teams is on when MicrosoftAppId is set; TEAMS_ENABLED=true also runs it without one (local testing, unauthenticated). */
  TEAMS_ENABLED: switchWord.transform((v) => (v === undefined ? undefined : isOn(v))),
  SLACK_COMMAND: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command such as /liaison').default('/liaison'),
});

/**
 * Checks across variables, on the raw values, so that they are reported together with the checks
 * of single variables (zod skips a refinement of the whole object once a field fails).
 */
function crossChecks(env: Record<string, string | undefined>): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const appType = env.MicrosoftAppType ?? 'MultiTenant';
  if (env.MicrosoftAppId && !env.MicrosoftAppPassword && appType !== 'UserAssignedMSI') {
    issues.push({ path: 'MicrosoftAppPassword', message: 'required with MicrosoftAppId (unless MicrosoftAppType=UserAssignedMSI)' });
  }
  if (appType === 'SingleTenant' && env.MicrosoftAppId && !env.MicrosoftAppTenantId) {
    issues.push({ path: 'MicrosoftAppTenantId', message: 'required when MicrosoftAppType=SingleTenant' });
  }
  if (Boolean(env.SLACK_BOT_TOKEN) !== Boolean(env.SLACK_SIGNING_SECRET)) {
    issues.push({ path: 'SLACK_SIGNING_SECRET', message: 'Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or neither)' });
  }
  // Unauthenticated Teams takes anyone's word for who they are (an officer's id included): only on this machine.
  const host = env.HOST ?? '127.0.0.1';
  if (isOn(env.TEAMS_ENABLED) && !env.MicrosoftAppId && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
    issues.push({ path: 'TEAMS_ENABLED', message: `without MicrosoftAppId, Teams runs unauthenticated (for the Bot Framework Emulator): HOST must then be a loopback address, not ${host}` });
  }
  return issues;
}

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof EnvSchema>) {
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL,
    storeFile: env.STORE_FILE,
    directoryFile: env.DIRECTORY_FILE,
    localesDir: env.LOCALES_DIR,
    /** DEFAULT_LANGUAGE when set: it overrides the directory's defaultLanguage (see defaultLanguageOf). */
    defaultLanguage: env.DEFAULT_LANGUAGE,
    logLevel: env.LOG_LEVEL,
    web: {
      enabled: env.WEB_CHAT_ENABLED,
      secret: env.WEB_CHAT_SECRET,
      allowedOrigins: env.WEB_ALLOWED_ORIGINS,
      tokenTtlSeconds: env.WEB_TOKEN_TTL_SECONDS,
      conversationIdleMinutes: env.WEB_CONVERSATION_IDLE_MINUTES,
      maxConversations: env.WEB_MAX_CONVERSATIONS,
      maxMessageLength: env.WEB_MAX_MESSAGE_LENGTH,
      rateLimitPerMinute: env.WEB_RATE_LIMIT_PER_MINUTE,
      rateLimitPerTokenPerMinute: env.WEB_RATE_LIMIT_PER_TOKEN_PER_MINUTE,
      trustedProxyHops: env.WEB_TRUSTED_PROXY_HOPS,
    },
    nudges: { enabled: env.NUDGES_ENABLED, pattern: env.NUDGES_CRON },
    trainingSubmitterKey: env.TRAINING_SUBMITTER_KEY,
    retention: {
      callbackDays: env.CALLBACK_RETENTION_DAYS,
      dialogDays: env.DIALOG_RETENTION_DAYS,
      auditDays: env.AUDIT_RETENTION_DAYS,
    },
    /** intervalHours 0 turns the automatic backups off. */
    backup: { dir: env.BACKUP_DIR, intervalHours: env.BACKUP_INTERVAL_HOURS, keep: env.BACKUP_KEEP },
    /** Present only when Slack is switched on (token and signing secret set). */
    slack:
      env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
        ? {
            botToken: env.SLACK_BOT_TOKEN,
            signingSecret: env.SLACK_SIGNING_SECRET,
            apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
            botId: env.SLACK_BOT_ID,
            botUserId: env.SLACK_BOT_USER_ID,
            command: env.SLACK_COMMAND,
          }
        : undefined,
    /** Present when Teams is on; `appId` undefined means unauthenticated local mode. */
    teams:
      env.TEAMS_ENABLED === true || (env.MicrosoftAppId && env.TEAMS_ENABLED !== false)
        ? {
            appId: env.MicrosoftAppId,
            appPassword: env.MicrosoftAppPassword,
            appType: env.MicrosoftAppType,
            tenantId: env.MicrosoftAppTenantId,
          }
        : undefined,
  };
}

/** What `npm run teams:package` needs, and nothing else (no password: the package holds no secret). */
export function loadTeamsPackageConfig(explicit?: NodeJS.ProcessEnv): { appId: string | undefined; publicUrl: string | undefined } {
  const data = parseEnv(EnvSchema.pick({ MicrosoftAppId: true, PUBLIC_URL: true }), explicit);
  return { appId: data.MicrosoftAppId, publicUrl: data.PUBLIC_URL };
}

/**
 * The environment (by default the process's, with `.env`) checked against a schema, and the checks
 * across variables: one CodedError lists every problem. An empty value (`PORT=` in an env file)
 * means "not set": the default, as if the line were absent.
 */
function parseEnv<S extends z.ZodType>(schema: S, explicit: NodeJS.ProcessEnv | undefined, across: (env: Record<string, string | undefined>) => { path: string; message: string }[] = () => []): z.infer<S> {
  if (explicit === undefined) readEnvFile();
  const given = Object.fromEntries(Object.entries(explicit ?? process.env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(given);
  const issues = [
    ...(result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.') || '(env)', message: i.message }))),
    ...across(given),
  ];
  if (issues.length > 0 || !result.success) {
    throw new CodedError(ErrorCode.ConfigInvalid, `Invalid environment (see .env.example):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
  return result.data as z.infer<S>;
}

/**
 * Variables from a `.env` file in the working directory, for those not set in the environment
 * (which wins). Only the entry points read it, through loadConfig() without arguments.
 */
function readEnvFile(file = '.env'): void {
  if (!existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new CodedError(ErrorCode.ConfigInvalid, `${file} cannot be read: ${(err as Error).message}`);
  }
}

/** Parses the environment (by default the process's, with `.env`); throws one CodedError listing every bad variable. */
export function loadConfig(explicit?: NodeJS.ProcessEnv): Config {
  return toConfig(parseEnv(EnvSchema, explicit, crossChecks));
}
