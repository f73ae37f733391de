// The tablet's hash routes (#/people/<id>): links and parsing, apart from the tab table
// (tabs.tsx), so screens can link to each other without importing the list of screens.
export function href(path: string, ...rest: string[]): string {
  return '#/' + [path, ...rest].filter((s) => s !== '').map(encodeURIComponent).join('/');
}

export function parseHash(hash: string): { path: string; rest: string[] } {
  const [path = '', ...rest] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { path, rest };
}
