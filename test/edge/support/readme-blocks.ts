import { readFileSync } from 'node:fs';

/** The bash block of README.md between `<!-- name:start -->` and `<!-- name:end -->`, without its fence. */
export function readmeBlock(name: string): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = new RegExp(`<!-- ${name}:start -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(readme);
  if (!block) throw new Error(`README.md has no ${name} block between the markers`);
  return block[1];
}

/** The customer id a walkthrough run made up for itself (it prints "customer <id>" first). */
export function customerOf(output: string): string {
  const match = /^customer ([A-Za-z0-9_-]+)/m.exec(output);
  if (!match) throw new Error(`the walkthrough printed no customer id:\n${output.slice(0, 500)}`);
  return match[1];
}
