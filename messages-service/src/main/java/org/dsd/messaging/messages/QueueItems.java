package org.dsd.messaging.messages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.camel.Body;
import org.dsd.messaging.model.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The messages in what the queue delivered: a Hazelcast queue transaction's list of items, or one item (Kafka,
 * JMS), each the JSON text the facade queued. An item that is not a message can never be served: it is dropped
 * (logged), not delivered again forever, and the others go on.
 */
@Component
public class QueueItems {

    private static final Logger LOG = LoggerFactory.getLogger(QueueItems.class);
    private final ObjectReader reader = new ObjectMapper().readerFor(UserMessage.class);

    public List<UserMessage> read(@Body Object delivered) {
        List<?> items = delivered instanceof List<?> list ? list : Collections.singletonList(delivered);
        List<UserMessage> messages = new ArrayList<>(items.size());
        for (Object item : items) {
            try {
                // A missing item reads as JSON null: no message either.
                UserMessage message = item instanceof byte[] bytes ? reader.readValue(bytes)
                        : reader.readValue(String.valueOf(item));
                if (message == null) {
                    throw new IOException("no message in " + item);
                }
                messages.add(message);
            } catch (IOException e) {
                LOG.error("dropped an unreadable queue item: {}", e.getMessage());
            }
        }
        return messages;
    }
}
