// English counts ("1 person", "3 people") by Intl.PluralRules, so every English string picks its
// form the same way. Japanese has no plural forms and needs none of this.
const rules = new Intl.PluralRules('en-US');
const number = new Intl.NumberFormat('en-US');

/** "1 person" / "1,024 people". */
export function count(n: number, one: string, other: string): string {
  return `${number.format(n)} ${rules.select(n) === 'one' ? one : other}`;
}

/** The form alone, for sentences that place the number themselves. */
export function form(n: number, one: string, other: string): string {
  return rules.select(n) === 'one' ? one : other;
}
