import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import type { Agents } from 'got';

type Env = Readonly<Record<string, string | undefined>>;

const read = (env: Env, name: string): string | undefined => {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

/**
 * Whether NO_PROXY exempts a URL, as curl reads it: comma- or space-separated host names (a
 * leading dot or `*.` matches subdomains), optional `:port`, `*` for everything.
 */
export const noProxyMatches = (url: URL, noProxy: string | undefined): boolean => {
  if (noProxy === undefined) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/gu, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/u)
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry === '*') return true;
      const [rawHost = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/u);
      if (entryPort !== undefined && entryPort !== port) return false;
      const pattern = rawHost.replace(/^\*?\./u, '');
      return host === pattern || host.endsWith(`.${pattern}`);
    });
};

/** The proxy URL the environment gives for a target URL (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY; either case). */
export const proxyFor = (target: string, env: Env): string | undefined => {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (noProxyMatches(url, read(env, 'NO_PROXY'))) return undefined;
  const proxy = url.protocol === 'https:' ? read(env, 'HTTPS_PROXY') : read(env, 'HTTP_PROXY');
  return proxy ?? read(env, 'ALL_PROXY');
};

/** A proxy URL with its password masked, for reports. */
export const describeProxy = (proxy: string): string => {
  try {
    const url = new URL(proxy);
    if (url.password !== '') url.password = '****';
    return url.href.replace(/\/$/u, '');
  } catch {
    return '(unparsable proxy URL)';
  }
};

/**
 * got agents for a target: hpagent tunnels https through the proxy with CONNECT and sends http
 * through it as a forward proxy; a 407 on CONNECT surfaces as "Bad response: 407".
 */
export const agentsFor = (target: string, env: Env, ca?: string | Buffer): Agents | undefined => {
  const proxy = proxyFor(target, env);
  if (proxy === undefined) return undefined;
  const common = { keepAlive: false, proxy, ...(ca === undefined ? {} : { ca }) };
  return { http: new HttpProxyAgent(common), https: new HttpsProxyAgent(common) };
};
