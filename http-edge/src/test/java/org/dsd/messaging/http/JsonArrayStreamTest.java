package org.dsd.messaging.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsd.messaging.model.UserMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonArrayStreamTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsAsTheSameJsonAsTheWholeListWrittenAtOnce() throws IOException {
        for (int size : new int[] {0, 1, JsonArrayStream.ELEMENTS_PER_CHUNK, 3 * JsonArrayStream.ELEMENTS_PER_CHUNK + 7}) {
            List<UserMessage> list = messages(size);
            String whole = json.writeValueAsString(list);

            assertThat(new String(new JsonArrayStream(json, list).readAllBytes(), StandardCharsets.UTF_8))
                    .as("%d messages, read in large blocks", size).isEqualTo(whole);
            assertThat(readByteByByte(new JsonArrayStream(json, list)))
                    .as("%d messages, read byte by byte", size).isEqualTo(whole);
        }
    }

    @Test
    void holdsAChunkNotTheWholeAnswer() throws IOException {
        List<UserMessage> list = messages(20 * JsonArrayStream.ELEMENTS_PER_CHUNK);
        int whole = json.writeValueAsBytes(list).length;
        JsonArrayStream stream = new JsonArrayStream(json, list);

        assertThat(stream.read()).isEqualTo('[');
        assertThat(stream.available()).isPositive().isLessThan(whole / 10);
    }

    private static List<UserMessage> messages(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new UserMessage("uuid-" + i, "message \"" + i + "\" ünïcode ✓")).toList();
    }

    private static String readByteByByte(InputStream stream) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int next = stream.read(); next != -1; next = stream.read()) {
            read.write(next);
        }
        return read.toString(StandardCharsets.UTF_8);
    }
}
