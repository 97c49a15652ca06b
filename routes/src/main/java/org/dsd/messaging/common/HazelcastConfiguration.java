package org.dsd.messaging.common;

import java.time.Duration;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The app's one Hazelcast instance; Camel endpoints get it as {@code #hazelcastInstance}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HazelcastProperties.class)
public class HazelcastConfiguration {

    private static final String EMBEDS_A_MEMBER = "'${app.hazelcast.mode:member}' != 'client'";

    @Bean(destroyMethod = "shutdown")
    public HazelcastInstance hazelcastInstance(HazelcastProperties properties) {
        return switch (properties.mode()) {
            case MEMBER, LITE_MEMBER -> Hazelcast.newHazelcastInstance(HazelcastConfigs.member(properties));
            case CLIENT -> RemovedMemberConnections.closedOn(
                    HazelcastClient.newHazelcastClient(HazelcastConfigs.client(properties)));
        };
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
