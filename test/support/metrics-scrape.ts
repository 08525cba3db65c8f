import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** GET /metrics of a process and its samples. */
export async function scrape(port: number): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`metrics on ${port}: HTTP ${response.status}`);
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}

/** Prometheus' text format, as far as prom-client writes it (no timestamps, no escapes in our labels). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

/** The value of the one sample with that name whose labels include `labels` (undefined if none). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** `promtool check metrics` on an exposition: its complaints (empty when clean). */
export async function promtoolCheckMetrics(text: string): Promise<string> {
  const child = execFile('promtool', ['check', 'metrics']);
  const output = new Promise<string>((resolve) => {
    let all = '';
    child.stdout?.on('data', (chunk) => (all += chunk));
    child.stderr?.on('data', (chunk) => (all += chunk));
    child.on('close', (code) => resolve(code === 0 ? all.trim() : all.trim() || `promtool exited with ${code}`));
  });
  child.stdin?.end(text);
  return output;
}

export const run = promisify(execFile);
