package org.dsd.messaging.messages;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.dsd.messaging.model.UserMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueItemsTest {

    private final QueueItems items = new QueueItems();

    @Test
    void readsEveryMessageOfATransactionAndDropsOnlyTheUnreadableOnes() {
        List<Object> transaction = Arrays.asList("{\"uuid\":\"a\",\"msg\":\"first\"}", "not JSON",
                "{\"msg\":\"no uuid\"}", null, "null", "{\"uuid\":\"b\",\"msg\":\"last\"}");

        assertThat(items.read(transaction))
                .containsExactly(new UserMessage("a", "first"), new UserMessage("b", "last"));
    }

    @Test
    void readsOneItemAsTextOrBytes() {
        String item = "{\"uuid\":\"c\",\"msg\":\"alone\"}";

        assertThat(items.read(item)).containsExactly(new UserMessage("c", "alone"));
        assertThat(items.read(item.getBytes(StandardCharsets.UTF_8))).containsExactly(new UserMessage("c", "alone"));
        assertThat(items.read(null)).isEmpty();
    }
}
