/** Which `Host` names the app answers to (DNS-rebinding defence), from HOST and BATON_ALLOWED_HOSTS. */

export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** Normalizes one entry: lower case, no port, IPv6 in brackets (as URL.hostname gives it). */
export function normalizeHostname(entry: string): string {
  const value = entry.trim().toLowerCase();
  if (value.includes(':') && !value.startsWith('[') && value.split(':').length > 2) return `[${value}]`;
  return new URL(`http://${value}`).hostname;
}

/**
 * The allow-list, or `undefined` for any host (`BATON_ALLOWED_HOSTS=*`, or a Lambda Function URL without the
 * variable). Loopback HOST: the loopback names. Any other HOST requires the variable (checked by parseConfig).
 */
export function allowedHostsOf(
  config: { BATON_ALLOWED_HOSTS?: string | undefined },
  onLambda = false,
): readonly string[] | undefined {
  const list = config.BATON_ALLOWED_HOSTS;
  if (list === '*') return undefined;
  if (list)
    return list
      .split(',')
      .filter((h) => h.trim())
      .map(normalizeHostname);
  if (onLambda) return undefined;
  return [...LOOPBACK_HOSTNAMES];
}
