package org.dsd.messaging.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param readWindow how many messages the whole list reads from the map at a time: what a list holds in memory
 *                   while it goes out, whatever the map's size
 */
@ConfigurationProperties("app.logging")
public record LoggingProperties(@DefaultValue("5000") int readWindow) {

    public LoggingProperties {
        if (readWindow < 1) {
            throw new IllegalArgumentException("app.logging.read-window must be at least 1, not " + readWindow);
        }
    }
}
