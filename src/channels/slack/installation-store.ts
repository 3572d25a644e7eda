/**
 * Where OAuth installs (one bot token per workspace or org) are kept. The interface is Bolt's own
 * (`@slack/oauth`), so any Bolt store works, including the DynamoDB one the app adds.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { JsonObject } from '../../store/checkpoint-storage.js';
import { InMemoryKeyValueStore, type KeyValueStore } from '../../store/key-value.js';

export type { Installation, InstallationQuery, InstallationStore };

/** Installs in a {@link KeyValueStore}: the app keeps them in the DynamoDB table, so restarts keep them. */
export class KeyValueInstallationStore implements InstallationStore {
  constructor(private readonly records: KeyValueStore) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const key = installationKey({
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    await this.records.put(NAMESPACE, key, JSON.parse(JSON.stringify(installation)) as JsonObject);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const found = await this.records.get(NAMESPACE, installationKey(query));
    if (!found) {
      throw new Error(
        `No Slack installation for ${describe(query)}: install the app at /slack/install (or check the store).`,
      );
    }
    return found as unknown as Installation<'v1' | 'v2', boolean>;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.records.delete(NAMESPACE, installationKey(query));
  }
}

/** Process memory: for tests and single-process development (installs are lost on restart). */
export class InMemoryInstallationStore extends KeyValueInstallationStore {
  constructor() {
    super(new InMemoryKeyValueStore());
  }
}

const NAMESPACE = 'slack-install';

/** Org-wide installs are keyed by enterprise, workspace installs by team (as Slack's own stores do). */
function installationKey(q: {
  isEnterpriseInstall?: boolean;
  enterpriseId?: string;
  teamId?: string;
}): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `enterprise:${q.enterpriseId}`;
  if (q.teamId) return `team:${q.teamId}`;
  throw new Error('A Slack installation needs a team id (or an enterprise id for org-wide installs).');
}

function describe(q: InstallationQuery<boolean>): string {
  return q.isEnterpriseInstall ? `enterprise ${q.enterpriseId}` : `team ${q.teamId}`;
}
