package org.dsd.messaging.common;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
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
            case MEMBER -> Hazelcast.newHazelcastInstance(HazelcastConfigs.member(properties));
            case CLIENT -> HazelcastClient.newHazelcastClient(HazelcastConfigs.client(properties));
        };
    }
}
