package org.dsd.messaging.common;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The app's one Hazelcast instance; Camel endpoints get it as {@code #hazelcastInstance}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HazelcastProperties.class)
public class HazelcastConfiguration {

    @Bean(destroyMethod = "shutdown")
    public HazelcastInstance hazelcastInstance(HazelcastProperties properties) {
        return switch (properties.mode()) {
            case MEMBER, LITE_MEMBER -> Hazelcast.newHazelcastInstance(HazelcastConfigs.member(properties));
            case CLIENT -> HazelcastClient.newHazelcastClient(HazelcastConfigs.client(properties));
        };
    }

    /**
     * Health component {@code clusterSafe} of a member: UP once every partition has its backups again. Only
     * then may another member die without losing data. Not part of readiness: the member serves meanwhile.
     */
    @Bean
    @ConditionalOnProperty(name = "app.hazelcast.mode", havingValue = "member", matchIfMissing = true)
    public HealthIndicator clusterSafeHealthIndicator(HazelcastInstance hazelcast) {
        return () -> hazelcast.getPartitionService().isClusterSafe()
                ? Health.up().build()
                : Health.down().withDetail("reason", "partitions are migrating or backups are missing").build();
    }
}
