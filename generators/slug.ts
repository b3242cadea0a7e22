/**
 * Argo CD's `branch_slug`: github.com/gosimple/slug's Make with the pullRequest generator's
 * settings (MaxLength 50, `_` → `-`): transliterated to ASCII, lowercased, every run of other
 * characters one `-`, no `-`/`_` at the ends, and cut at the last `-` within 50 characters.
 */
import unidecode from 'unidecode';

const MAX_LENGTH = 50;
/** The English substitutions gosimple/slug applies before transliterating. */
const EN_SUBSTITUTIONS: Readonly<Record<string, string>> = { '&': 'and', '@': 'at' };

export function branchSlug(branch: string): string {
  let slug = branch.trim().replaceAll('_', '-');
  slug = [...slug].map((c) => EN_SUBSTITUTIONS[c] ?? c).join('');
  slug = unidecode(slug).toLowerCase();
  slug = slug
    .replace(/[^a-zA-Z0-9\-_]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return smartTruncate(slug);
}

function smartTruncate(text: string): string {
  if (text.length <= MAX_LENGTH) return text;
  for (let i = MAX_LENGTH; i >= 0; i--) {
    if (text[i] === '-') return text.slice(0, i);
  }
  return text.slice(0, MAX_LENGTH);
}
