/**
 * Strict UTF-8 (RFC 3629): text files are read as UTF-8 or refused where they are not, never with bytes replaced by
 * U+FFFD, which would merge distinct values (Latin-1 "Café" and "Cafè" would both read "Caf\uFFFD").
 */

/**
 * A decoder that throws on a byte that is not UTF-8 (then invalidUtf8At finds it). ignoreBOM keeps a U+FEFF that
 * begins the text (each decode starts afresh), for the caller to drop where it is the file's BOM.
 */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The length of the UTF-8 sequence that `lead` begins, or 0 when no valid sequence begins with it. */
export function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The offset of the first byte that does not begin a whole valid UTF-8 sequence, or -1. */
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = utf8SequenceLength(lead);
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k]!;
      if (byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/** What to tell the user about the byte at `bytes[at]`, which is not UTF-8. */
export const notUtf8 = (bytes: Uint8Array, at: number) =>
  `not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')}): save the file as UTF-8`;
