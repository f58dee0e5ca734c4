/** The URL path the portal is served under (`/portal/`), set by portal/build.ts. */
declare const __PORTAL_BASE__: string;
