/**
 * Default TCP port of the `simpleclick-cvat` HTTP service. Not 8080: CVAT's traefik publishes 8080 on the same
 * host (and its nuclio dashboard 8070), so a service started next to CVAT with defaults must not collide.
 */
export const DEFAULT_SERVICE_PORT = 8571;
