/**
 * IP address handling for `cidr` patterns and for plain string values that happen to be IP
 * addresses (EventBridge compares those as addresses, so `"::1"` equals `"0:0:0:0:0:0:0:1"`).
 * Addresses are reduced to upper-case hex of their bytes: 8 digits for IPv4, 32 for IPv6, so that
 * equal-length strings compare like the numbers they encode.
 */

// Only text shaped like these is ever treated as an address; anything else stays a plain string.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Whether the text is shaped like an address at all (before checking that it is a valid one). */
function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** Hex form of an IPv4 or IPv6 literal, or `undefined` when the text is not a valid address. */
export function ipToHex(text: string): string | undefined {
  if (!looksLikeIp(text)) return undefined;
  const bytes = parseAddress(text);
  return bytes === undefined ? undefined : toHex(bytes);
}

function parseAddress(text: string): number[] | undefined {
  const bytes = IPV4_SHAPE.test(text) ? parseIpv4(text) : parseIpv6(text);
  if (bytes === undefined) return undefined;
  // IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) come back as IPv4, as Java's InetAddress does.
  if (
    bytes.length === 16 &&
    bytes.slice(0, 10).every((b) => b === 0) &&
    bytes[10] === 0xff &&
    bytes[11] === 0xff
  ) {
    return bytes.slice(12);
  }
  return bytes;
}

function parseIpv4(text: string): number[] | undefined {
  const bytes = text.split('.').map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const given = head.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  if (!groups.every((g) => HEX_GROUP.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

function toHex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** An inclusive range of addresses, as equal-length hex strings. */
export interface IpRange {
  readonly bottom: string;
  readonly top: string;
}

/**
 * Parses a `cidr` pattern value. The range starts at the address as written (host bits are not
 * cleared) and AWS refuses a full-length mask (`/32`, `/128`); both quirks are kept on purpose.
 */
export function parseCidr(cidr: string): IpRange | { readonly reason: string } {
  const parts = cidr.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const [address = '', maskText = ''] = parts;
  if (parts.length !== 2) return { reason: "Malformed CIDR, one '/' required" };
  if (!/^[+-]?\d{1,10}$/.test(maskText) || Math.abs(Number(maskText)) > 2_147_483_647) {
    return { reason: 'Malformed CIDR, mask bits must be an integer' };
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) return { reason: 'Malformed CIDR, mask bits must not be negative' };
  if (!looksLikeIp(address)) return { reason: `Nonstandard IP address: ${address}` };
  const bytes = parseAddress(address);
  if (bytes === undefined) return { reason: `Invalid IP address: ${address}` };
  if (bytes.length === 4 && maskBits > 31) return { reason: 'IPv4 mask bits must be < 32' };
  if (bytes.length === 16 && maskBits > 127) return { reason: 'IPv6 mask bits must be < 128' };
  let hostBits = bytes.length * 8 - maskBits;
  const top = new Array<number>(bytes.length);
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i] ?? 0;
    top[i] = hostBits >= 8 ? 0xff : hostBits <= 0 ? b : b | ((1 << hostBits) - 1);
    hostBits -= 8;
  }
  return { bottom: toHex(bytes), top: toHex(top) };
}
