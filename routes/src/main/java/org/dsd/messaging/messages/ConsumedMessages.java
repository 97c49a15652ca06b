package org.dsd.messaging.messages;

import java.util.ArrayList;
import java.util.List;

import org.dsd.messaging.common.UserMessage;
import org.springframework.stereotype.Component;

/** The messages this instance took from the queue, in arrival order. */
@Component
public class ConsumedMessages {

    private final List<UserMessage> messages = new ArrayList<>();

    public synchronized void add(UserMessage message) {
        messages.add(message);
    }

    public synchronized List<UserMessage> list() {
        return List.copyOf(messages);
    }
}
