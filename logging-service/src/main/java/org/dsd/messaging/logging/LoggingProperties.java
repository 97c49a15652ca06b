package org.dsd.messaging.logging;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param readWindow how many messages the whole list reads from the map at a time: what a list holds in memory
 *                   while it goes out, whatever the map's size
 * @param batchWait  how long a batch (POST /logging/batch) waits for its slowest write before it answers the rest:
 *                   a write held up by a frozen member comes back undecided, and the facade writes that message
 *                   alone; shorter than the facade's {@code app.facade.hedge-after}
 */
@ConfigurationProperties("app.logging")
public record LoggingProperties(@DefaultValue("5000") int readWindow, @DefaultValue("200ms") Duration batchWait) {

    public LoggingProperties {
        if (readWindow < 1) {
            throw new IllegalArgumentException("app.logging.read-window must be at least 1, not " + readWindow);
        }
    }
}
