/**
 * The coordinator as a cluster: {@link io.nines.coordinator.cluster.ClusterOptions} say how a
 * member joins, {@link io.nines.coordinator.cluster.ClusterMember} is a running member (a clustered
 * Vert.x and its Hazelcast instance). Hazelcast does the coordination: checks are partitioned by
 * id, the owner of a check's partition applies and evaluates its results, and a synchronous backup
 * holds them before an agent hears they are safe. See {@code docs/cluster.md}.
 */
package io.nines.coordinator.cluster;
