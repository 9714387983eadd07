// Character codes and small text helpers shared by the tokenizers, and how they count columns.
//
// Lines end at LF, CRLF or a lone CR (old Mac exports), in every format, so a line number means
// the same thing whatever wrote the file. Columns count Unicode characters (code points) from 1:
// the low half of a UTF-16 surrogate pair does not advance the column, so an emoji in a header
// counts as one character, as editors show it.

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const QUOTE = 0x22;

/** True for the second half of a surrogate pair, which shares its column with the first. */
export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Removes the spaces and tabs the readers ignore around a token (not String#trim: a newline or a no-break space inside quotes is content). */
export function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB)) start++;
  while (end > start && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The longest token or field kept, so an unterminated quote cannot pull a whole file into memory. */
export const MAX_TOKEN_CHARS = 1 << 20;
