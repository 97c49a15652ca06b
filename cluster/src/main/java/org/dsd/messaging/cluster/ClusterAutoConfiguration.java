package org.dsd.messaging.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.hazelcast.HazelcastAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The app's one Hazelcast instance (Camel endpoints get it as {@code #hazelcastInstance}), with the quorum, the guards
 * and the health components built on it. Before Spring Boot's own, which would otherwise start a default instance.
 */
@AutoConfiguration(before = HazelcastAutoConfiguration.class)
@EnableConfigurationProperties(HazelcastProperties.class)
public class ClusterAutoConfiguration {

    /** How long a new member keeps asking the cluster to admit it. */
    static final Duration ADMISSION_WAIT = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAutoConfiguration.class);
    private static final String EMBEDS_A_MEMBER = "'${app.hazelcast.mode:member}' != 'client'";

    @Bean(destroyMethod = "shutdown")
    public HazelcastInstance hazelcastInstance(HazelcastProperties properties) {
        return switch (properties.mode()) {
            case MEMBER, LITE_MEMBER -> admitted(properties);
            case CLIENT -> RemovedMemberConnections.closedOn(
                    HazelcastClient.newHazelcastClient(HazelcastConfigs.client(properties)));
        };
    }

    /**
     * A new member whose admission the cluster refuses for now (its state locked while a migration or a merge
     * commits) shuts itself down; it is started again, once a second for up to {@link #ADMISSION_WAIT}, instead of
     * failing the app's start.
     */
    static HazelcastInstance admitted(HazelcastProperties properties) {
        long giveUpAt = System.nanoTime() + ADMISSION_WAIT.toNanos();
        while (true) {
            try {
                return Hazelcast.newHazelcastInstance(HazelcastConfigs.member(properties));
            } catch (IllegalStateException refused) {
                if (System.nanoTime() - giveUpAt > 0) {
                    throw refused;
                }
                LOG.warn("the cluster did not admit this member ({}): starting it again in a second",
                        refused.getMessage());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /**
     * Health component {@code clusterSafe} of a member: UP once every partition has its backups again and the quorum
     * no longer expects a member that left ({@link DataMemberQuorum}). Only then may another member die without
     * losing data or service. Not part of readiness: the member serves meanwhile.
     */
    @Bean
    @ConditionalOnProperty(name = "app.hazelcast.mode", havingValue = "member", matchIfMissing = true)
    public HealthIndicator clusterSafeHealthIndicator(HazelcastInstance hazelcast) {
        DataMemberQuorum quorum = DataMemberQuorum.of(hazelcast);
        return () -> {
            if (!hazelcast.getPartitionService().isClusterSafe()) {
                return Health.down().withDetail("reason", "partitions are migrating or backups are missing").build();
            }
            if (quorum.hasLeftMembers()) {
                return Health.down().withDetail("reason", "the quorum still expects a member that left").build();
            }
            return Health.up().withDetails(quorum.expectedCounts()).build();
        };
    }

    /**
     * A pause of 3 s cannot get a member dropped (the others wait {@code max-no-heartbeat-seconds}); after a longer
     * one, the member's own failure detector needs that long plus a heartbeat to catch up with the others' view.
     */
    @Bean
    public PauseDetector pauseDetector(HazelcastProperties properties) {
        return new PauseDetector(Duration.ofSeconds(3),
                Duration.ofSeconds(properties.maxNoHeartbeatSeconds() + properties.heartbeatIntervalSeconds()));
    }

    @Bean
    public QuorumGuard quorumGuard(HazelcastInstance hazelcast, HazelcastProperties properties,
                                   PauseDetector pauses) {
        return new QuorumGuard(hazelcast, properties.mode() != HazelcastProperties.Mode.CLIENT, pauses);
    }

    /**
     * Health component {@code quorum} (part of the logging and messages readiness): DOWN while this member is on
     * the minority side of a split, where it serves nothing.
     */
    @Bean
    public HealthIndicator quorumHealthIndicator(QuorumGuard quorum) {
        return () -> quorum.present()
                ? Health.up().build()
                : Health.down().withDetail("reason", QuorumGuard.MINORITY).build();
    }

    @Bean
    @ConditionalOnProperty(name = "app.hazelcast.mode", havingValue = "member", matchIfMissing = true)
    public WholeDataMembers wholeDataMembers(HazelcastInstance hazelcast) {
        return new WholeDataMembers(hazelcast);
    }

    @Bean
    @ConditionalOnExpression(EMBEDS_A_MEMBER)
    public SilentPeerConnections silentPeerConnections(HazelcastInstance hazelcast) {
        return new SilentPeerConnections(hazelcast);
    }

    @Bean
    @ConditionalOnExpression(EMBEDS_A_MEMBER)
    public DataMemberDepartures dataMemberDepartures(HazelcastInstance hazelcast) {
        return new DataMemberDepartures(hazelcast);
    }
}
