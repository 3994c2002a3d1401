/** IPv4 CIDR parsing and the checks the isolated network's address ranges must pass. */

export interface Cidr {
    text: string;
    /** First address as an unsigned 32-bit number. */
    start: number;
    prefix: number;
    size: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error message when it is not a network address (host bits set). */
export function parseCidr(text: string): Cidr | string {
    const m = CIDR.exec(text.trim());
    if (!m) {
        return `'${text}' is not an IPv4 range in CIDR form (e.g. 10.20.0.0/16)`;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return `'${text}' is not an IPv4 range in CIDR form (e.g. 10.20.0.0/16)`;
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    const start = address - (address % size);
    if (start !== address) {
        const fixed = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join('.');
        return `'${text}' has host bits set; the range starts at ${fixed}/${prefix}`;
    }
    return { text: text.trim(), start, prefix, size };
}

export const contains = (outer: Cidr, inner: Cidr): boolean =>
    inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;

export const overlaps = (a: Cidr, b: Cidr): boolean => a.start < b.start + b.size && b.start < a.start + a.size;

/** Prefix-length bounds: [largest range, smallest range]. */
export const PREFIX_LIMITS = {
    // A virtual network must hold both subnets.
    virtualNetwork: { min: 8, max: 26 },
    // Flex integrates through a Microsoft.App/environments delegation, as Container Apps do, whose minimum
    // is a /27; Microsoft's Flex templates use a /24 (our default): each instance takes an address.
    appSubnet: { min: 16, max: 27 },
    // Azure reserves 5 addresses per subnet; three private endpoints (blob, queue, table) need 3 more.
    privateEndpointSubnet: { min: 16, max: 28 },
} as const;

export type RangeName = keyof typeof PREFIX_LIMITS;

export interface AddressRanges {
    virtualNetwork: string;
    appSubnet: string;
    privateEndpointSubnet: string;
}

/** Every problem with the ranges, as `<which>: <what is wrong>` messages (empty when they are valid). */
export function addressRangeProblems(ranges: AddressRanges): { range: RangeName; message: string }[] {
    const problems: { range: RangeName; message: string }[] = [];
    const parsed: Partial<Record<RangeName, Cidr>> = {};
    for (const range of Object.keys(PREFIX_LIMITS) as RangeName[]) {
        const cidr = parseCidr(ranges[range]);
        const { min, max } = PREFIX_LIMITS[range];
        if (typeof cidr === 'string') {
            problems.push({ range, message: `${cidr}.` });
        } else if (cidr.prefix < min || cidr.prefix > max) {
            problems.push({ range, message: `is '${cidr.text}'; its prefix length must be /${min} to /${max}.` });
        } else {
            parsed[range] = cidr;
        }
    }
    const { virtualNetwork: vnet, appSubnet: app, privateEndpointSubnet: pe } = parsed;
    for (const [range, subnet] of [
        ['appSubnet', app],
        ['privateEndpointSubnet', pe],
    ] as const) {
        if (vnet && subnet && !contains(vnet, subnet)) {
            problems.push({ range, message: `'${subnet.text}' is not inside the virtual network ${vnet.text}.` });
        }
    }
    if (app && pe && overlaps(app, pe)) {
        problems.push({ range: 'privateEndpointSubnet', message: `'${pe.text}' overlaps the app subnet ${app.text}.` });
    }
    return problems;
}
