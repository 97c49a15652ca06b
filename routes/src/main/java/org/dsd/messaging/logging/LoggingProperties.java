package org.dsd.messaging.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param mapName the Hazelcast distributed map every logging instance stores into and lists from */
@ConfigurationProperties("app.logging")
public record LoggingProperties(@DefaultValue("messages") String mapName) {
}
