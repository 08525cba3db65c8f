import { activeTraceIds } from '../telemetry/trace-context.js';

/**
 * Structured logging: one JSON object per line on stdout (what log collectors expect),
 * or a short human line when LOG_PRETTY is on. Deliberately tiny: no transport, no buffering.
 * A line written inside a traced span carries its trace_id and span_id, so it leads to the trace.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(options: { level: LogLevel; pretty?: boolean; base?: LogFields }): Logger {
  const min = RANK[options.level];
  const base = options.base ?? {};
  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const extra = { ...activeTraceIds(), ...(fields ? serializeErrors(fields) : {}) };
    if (options.pretty) {
      const tags = Object.entries({ ...base, ...extra })
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg} ${tags}\n`);
      return;
    }
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...extra })}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

function serializeErrors(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}
