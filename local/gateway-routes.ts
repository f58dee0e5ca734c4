/** The part of a route definition (functions/handlers/routes.ts) that the gateway needs. */
export interface GatewayRoute {
  method: string;
  /** API Gateway syntax: `{name}` is a path parameter. */
  path: string;
  entry: string;
  access: 'public' | readonly string[];
  name?: string;
}

type Segment = { literal: string } | { param: string };

export type RouteMatch<R extends GatewayRoute> =
  | { kind: 'matched'; route: R; routeKey: string; pathParameters: Record<string, string> | undefined }
  | { kind: 'method-not-allowed'; allowedMethods: string[] }
  | { kind: 'not-found' };

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const compile = <R extends GatewayRoute>(route: R) => ({
  route,
  routeKey: `${route.method} ${route.path}`,
  segments: route.path
    .split('/')
    .slice(1)
    .map((part): Segment => (/^\{\w+\}$/.test(part) ? { param: part.slice(1, -1) } : { literal: part })),
});

type Compiled<R extends GatewayRoute> = ReturnType<typeof compile<R>>;

const matchSegments = (segments: Segment[], parts: string[]): Record<string, string> | undefined => {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.param] = decodeSegment(part);
    }
  }
  return params;
};

// Like API Gateway: at the first segment where two routes differ, a literal beats a parameter.
const bySpecificity = <R extends GatewayRoute>(a: Compiled<R>, b: Compiled<R>): number => {
  for (const [i, segment] of a.segments.entries()) {
    const other = b.segments[i];
    if (other && 'literal' in segment !== 'literal' in other) return 'literal' in segment ? -1 : 1;
  }
  return 0;
};

export const createRouter = <R extends GatewayRoute>(routes: readonly R[]) => {
  const compiled = routes.map((route) => compile(route));
  return (method: string, rawPath: string): RouteMatch<R> => {
    const parts = rawPath.split('/').slice(1);
    const onPath = compiled.flatMap((c) => {
      const params = matchSegments(c.segments, parts);
      return params ? [{ c, params }] : [];
    });
    if (onPath.length === 0) return { kind: 'not-found' };
    const forMethod = onPath.filter(({ c }) => c.route.method === method);
    const best = forMethod.sort((x, y) => bySpecificity(x.c, y.c))[0];
    if (!best) return { kind: 'method-not-allowed', allowedMethods: [...new Set(onPath.map(({ c }) => c.route.method))] };
    const hasParams = Object.keys(best.params).length > 0;
    return {
      kind: 'matched',
      route: best.c.route,
      routeKey: best.c.routeKey,
      pathParameters: hasParams ? best.params : undefined,
    };
  };
};
