/**
 * One request to one broker through a platformatic client's own connections and API version
 * negotiation, for the requests its clients do not expose as we need them (a TxnOffsetCommit for
 * several partitions, a group's FindCoordinator from a producer). `kGetApi` is exported by the
 * package (dist/clients/base/base.d.ts) and picks the highest version both sides support.
 */
import { FindCoordinatorKeyTypes, kGetApi, type Base, type Connection } from '@platformatic/kafka';

type AnyApi = { async: (connection: Connection, ...args: unknown[]) => Promise<unknown> };
type ApiClient = Base & { [kGetApi]: (name: string, callback: (error: Error | null, api?: AnyApi) => void) => void };

/** Sends API `name` with `args` to broker `node` (any broker when undefined), returns the parsed response. */
export async function callApi<R>(client: Base, name: string, node: number | undefined, args: unknown[]): Promise<R> {
  const api = await new Promise<AnyApi>((resolve, reject) => {
    (client as ApiClient)[kGetApi](name, (error, found) => (error || !found ? reject(error ?? new Error(`no API ${name}`)) : resolve(found)));
  });
  const connections = await client.connectToBrokers(node === undefined ? null : [node]);
  const connection = node === undefined ? connections.values().next().value : connections.get(node);
  if (!connection) throw new Error(`no connection to broker ${node ?? '(any)'} for ${name}`);
  return (await api.async(connection, ...args)) as R;
}

interface FindCoordinatorResponse {
  coordinators: { key: string; nodeId: number; errorCode: number }[];
}

/** The broker coordinating a consumer group (FindCoordinator v4+, key type GROUP). */
export async function findGroupCoordinator(client: Base, groupId: string): Promise<number> {
  const response = await callApi<FindCoordinatorResponse>(client, 'FindCoordinator', undefined, [FindCoordinatorKeyTypes.GROUP, [groupId]]);
  const found = response.coordinators.find((c) => c.key === groupId);
  if (!found || found.nodeId < 0) throw new Error(`no coordinator for group ${groupId}`);
  return found.nodeId;
}
