/**
 * Where a JSON text first breaks, for a person editing it: line, column, the line itself and what is
 * wrong there in plain words. Used only after JSON.parse has failed (whose message gives a character
 * offset, or none at all).
 */
export interface JsonSyntaxError {
  line: number;
  column: number;
  problem: string;
  /** The line quoted, with a caret under the column. */
  excerpt: string;
}

const VALUE = 'expected a value: text in double quotes, a number, true, false, null, { or [';

/** The first syntax error in `text`, or undefined when there is none. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let pos = 0;
  const fail = (problem: string, at = pos): never => {
    throw Object.assign(new Error(problem), { at });
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const end = (what: string) => (pos >= text.length ? fail(`the file ends too early: ${what}`) : undefined);
  const string = () => {
    const start = pos;
    pos++; // the opening quote
    for (;;) {
      if (pos >= text.length) fail('a text in double quotes is not closed', start);
      const c = text[pos]!;
      if (c === '"') return void pos++;
      if (c === '\\') {
        const e = text[pos + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) pos += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) pos += 6;
        else fail('a backslash in a text must start an escape such as \\" or \\\\ (write a backslash as \\\\)');
      } else if (c < ' ') fail('a line break or tab inside a text in double quotes: close the text on the line it starts, or write \\n');
      else pos++;
    }
  };
  const value = (): void => {
    ws();
    end('a value is missing');
    const c = text[pos]!;
    if (c === '{') {
      pos++;
      ws();
      if (text[pos] === '}') return void pos++;
      for (;;) {
        ws();
        end('a } is missing');
        if (text[pos] !== '"') fail(text[pos] === '}' ? 'a comma before } (JSON allows none after the last entry)' : 'expected a name in double quotes, such as "name"');
        string();
        ws();
        end('a : and a value are missing');
        if (text[pos] !== ':') fail('expected a colon (:) after the name');
        pos++;
        value();
        ws();
        end('a } is missing');
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') return void pos++;
        else fail('expected a comma or } after the value (is a comma missing at the end of the line before?)');
      }
    }
    if (c === '[') {
      pos++;
      ws();
      if (text[pos] === ']') return void pos++;
      for (;;) {
        ws();
        if (text[pos] === ']') fail('a comma before ] (JSON allows none after the last entry)');
        value();
        ws();
        end('a ] is missing');
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') return void pos++;
        else fail('expected a comma or ] after the value (is a comma missing at the end of the line before?)');
      }
    }
    if (c === '"') return string();
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (number && number[0] !== '-' && number[0] !== '') return void (pos += number[0].length);
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, pos)) return void (pos += word.length);
    if (c === '\uFEFF' && pos === 0) fail('the file starts with an invisible byte order mark (BOM): save it as UTF-8 without BOM');
    fail(c === "'" ? 'texts take double quotes ("…"), not single ones' : VALUE);
  };
  try {
    value();
    ws();
    if (pos < text.length) fail('more text after the end of the directory (is a { or [ missing, or a } or ] one too many?)');
    return undefined;
  } catch (err) {
    // Only our own failures carry a place; anything else (a nesting too deep for this reader, which
    // JSON.parse handles) is left to JSON.parse's own message.
    const at = (err as { at?: unknown }).at;
    return typeof at === 'number' ? describeAt(text, at, (err as Error).message) : undefined;
  }
}

/** Line, column and the quoted line at a character offset. */
export function describeAt(text: string, at: number, problem: string): JsonSyntaxError {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = at - lineStart + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  let shown = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '').replace(/\t/g, ' ');
  let caret = column - 1;
  // A very long line is quoted around the column only.
  if (shown.length > 100) {
    const from = Math.max(0, caret - 50);
    shown = `${from > 0 ? '…' : ''}${shown.slice(from, from + 100)}${from + 100 < shown.length ? '…' : ''}`;
    caret = caret - from + (from > 0 ? 1 : 0);
  }
  const number = String(line);
  const excerpt = `  ${number} | ${shown}\n  ${' '.repeat(number.length)} | ${' '.repeat(Math.max(0, caret))}^`;
  return { line, column, problem, excerpt };
}
