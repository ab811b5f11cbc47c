import { LabelStudioAuth, type LabelStudioConnection } from '../images/label-studio-auth';
import type { BackendLog } from './backend-options';

/** Projects whose `/setup` connection is remembered. */
const MAX_SETUP_CONNECTIONS = 256;

/**
 * Which Label Studio server (and token) a request's images come from. The operator's configuration (flags,
 * environment) wins; what Label Studio itself sends to `/setup` (`hostname`, `access_token`) fills in only where
 * the configuration says nothing, as the upstream ML backend SDK falls back from its arguments to its environment:
 * - no URL configured: the project's `/setup` hostname and token (for a project never set up on this process, e.g.
 *   a second replica, the most recent `/setup` of any project);
 * - a URL but no token configured: the `/setup` token, only when its hostname has the configured URL's origin (a
 *   token is never sent to a server other than the one it came from).
 */
export class LabelStudioConnections {
  readonly #configured: LabelStudioAuth;
  readonly #fetch: typeof fetch;
  readonly #log: BackendLog;
  readonly #bySetup = new Map<string, LabelStudioAuth>();
  #latestSetup: LabelStudioAuth | undefined;
  /** Token refreshes of connections that were replaced. */
  #retiredRefreshes = 0;

  /** @throws InvalidArgumentError for a configured connection that cannot be used (see {@link LabelStudioAuth}). */
  constructor(configured: LabelStudioConnection, fetchImpl: typeof fetch, log: BackendLog) {
    this.#fetch = fetchImpl;
    this.#log = log;
    this.#configured = new LabelStudioAuth(configured, {}, fetchImpl);
  }

  /** Access token refreshes made by every connection. */
  get refreshCount(): number {
    let total = this.#configured.refreshCount + this.#retiredRefreshes;
    for (const auth of new Set(this.#bySetup.values())) total += auth.refreshCount;
    return total;
  }

  /** Takes note of what a `/setup` call said about Label Studio (see the class notes). Never throws. */
  fromSetup(projectId: string | undefined, hostname: string | undefined, accessToken: string | undefined): void {
    if (projectId === undefined || hostname === undefined) return;
    const configured = this.#configured;
    let auth: LabelStudioAuth;
    try {
      if (configured.baseUrl === undefined) {
        auth = new LabelStudioAuth(
          { url: hostname, ...(accessToken !== undefined ? { apiKey: accessToken } : {}) },
          {},
          this.#fetch,
        );
      } else if (!configured.hasToken && accessToken !== undefined && new URL(hostname).origin === configured.origin) {
        auth = new LabelStudioAuth({ url: configured.baseUrl, apiKey: accessToken }, {}, this.#fetch);
      } else {
        return;
      }
    } catch (error) {
      this.#log(
        'warn',
        `/setup for project ${projectId}: ignoring hostname "${hostname}": ${(error as Error).message}`,
      );
      return;
    }
    const previous = this.#bySetup.get(projectId);
    if (previous !== undefined) this.#retiredRefreshes += previous.refreshCount;
    this.#bySetup.delete(projectId);
    this.#bySetup.set(projectId, auth);
    if (this.#bySetup.size > MAX_SETUP_CONNECTIONS) this.#bySetup.delete(this.#bySetup.keys().next().value as string);
    if (this.#latestSetup?.baseUrl !== auth.baseUrl) {
      this.#log(
        'info',
        `project ${projectId}: Label Studio at ${auth.origin ?? hostname} (from /setup${auth.hasToken ? ', with its token' : ''})`,
      );
    }
    this.#latestSetup = auth;
  }

  /** The connection for a request of `projectId`. */
  forProject(projectId: string | undefined): LabelStudioAuth {
    const fromSetup = projectId === undefined ? undefined : this.#bySetup.get(projectId);
    if (fromSetup !== undefined) return fromSetup;
    if (this.#configured.baseUrl !== undefined) return this.#configured;
    return this.#latestSetup ?? this.#configured;
  }
}
