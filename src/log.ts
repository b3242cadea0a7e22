/**
 * One structured, redacting logger: a JSON line per event, child loggers carrying context
 * (appset, generator, cluster, app). Redaction happens here, not at call sites: `Redacted` values
 * print as "[redacted]", and so does any field whose key names a credential.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY =
  /^(password|bearerToken|token|sshPrivateKey|keyData|certData|tlsClientKey|config|secret|authorization)$/i;

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go; stderr by default. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}, context: LogFields = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (LEVELS[level] < min) return;
    const event = { time: now().toISOString(), level, msg, ...context, ...fields };
    write(`${JSON.stringify(event, redact)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...context, ...fields }),
  };
}

function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '')
    return '[redacted]';
  if (value instanceof Error)
    return { message: value.message, ...('code' in value ? { code: value.code } : {}) };
  return value;
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
