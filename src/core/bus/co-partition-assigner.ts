import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'DialwiseCoPartition';

/**
 * Gives partition p of every subscribed topic to the same member. Event
 * topics are all keyed by customer_id with equal partition counts, so one
 * member sees all of a customer's events and can hold that customer's state.
 * `advertise` (a decision replica's URL) travels in the member's metadata,
 * as Kafka Streams' `application.server` does: whoever describes the group
 * learns which address owns which partition.
 */
export const coPartitionAssigner =
  (advertise = ''): PartitionAssigner =>
  ({ cluster }) => ({
    name: NAME,
    version: 1,
    async assign({ members, topics }) {
      const sorted = members.map((m) => m.memberId).sort();
      const assignment: Record<string, Record<string, number[]>> = {};
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const member = sorted[partitionId % sorted.length]!;
          ((assignment[member] ??= {})[topic] ??= []).push(partitionId);
        }
      }
      return sorted.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment[memberId] ?? {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(advertise),
        }),
      };
    },
  });

/**
 * Who owns which partition in a co-partitioned group, from a description of
 * it: partition → the address its member advertised ('' when it advertised
 * none). Undefined while the group rebalances (no stable assignment).
 */
export function ownersOf(group: {
  state: string;
  members: { memberMetadata: Buffer; memberAssignment: Buffer }[];
}): Map<number, string> | undefined {
  if (group.state !== 'Stable') return undefined;
  const owners = new Map<number, string>();
  for (const m of group.members) {
    const url = AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData.toString() ?? '';
    const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment;
    for (const partitions of Object.values(assignment ?? {}))
      for (const p of partitions) owners.set(p, url);
  }
  return owners;
}
