package org.dsd.messaging.http;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.dsd.messaging.model.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageRequestReaderTest {

    private final MessageRequestReader reader =
            new MessageRequestReader(new ObjectMapper(), new HttpProperties(DataSize.ofKilobytes(64)));
    private final DefaultCamelContext camel = new DefaultCamelContext();

    private Exchange request(String contentType, Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getIn().setBody(body);
        return exchange;
    }

    @Test
    void readsTheTextFromEveryAcceptedContentType() {
        assertThat(reader.readText(request("application/x-www-form-urlencoded", "a=1&msg=hello+w%C3%B6rld")))
                .isEqualTo("hello wörld");
        assertThat(reader.readText(request("application/json", "{\"msg\": \"from json\", \"other\": 1}")))
                .isEqualTo("from json");
        assertThat(reader.readText(request("text/plain", "plain text"))).isEqualTo("plain text");
        assertThat(reader.readText(request("text/plain; charset=ISO-8859-1", "café".getBytes(StandardCharsets.ISO_8859_1))))
                .isEqualTo("café");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "application/x-www-form-urlencoded | other=1              | 400 | No Message in Request",
            "application/x-www-form-urlencoded | msg=%20%20           | 400 | No Message in Request",
            "application/x-www-form-urlencoded | msg=a&msg=b          | 400 | given 2 times",
            "application/x-www-form-urlencoded | msg=%zz              | 400 | Malformed form body",
            "application/json                  | '{\"msg\": '          | 400 | Malformed JSON",
            "application/json                  | '[\"msg\"]'           | 400 | must be an object",
            "application/json                  | '{\"msg\": 5}'        | 400 | must be a string",
            "application/json                  | '{}'                  | 400 | No Message in Request",
            "text/plain                        | '   '                 | 400 | No Message in Request",
    })
    void rejectsBadTextRequestsWithStatusAndReason(String contentType, String body, int status, String reason) {
        assertThatThrownBy(() -> reader.readText(request(contentType, body)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContaining(reason);
    }

    @Test
    void theLimitIsOnTheMessageTextInUtf8NotOnTheRequest() {
        String largest = "é".repeat(32 * 1024); // two bytes each: 64 KiB
        String escaped = "{\"msg\": \"" + "\\u00e9".repeat(32 * 1024) + "\"}"; // the same text, six bytes a char

        assertThat(reader.readText(request("text/plain", largest))).isEqualTo(largest);
        assertThat(reader.readText(request("application/json", escaped))).isEqualTo(largest);
        assertThatThrownBy(() -> reader.readText(request("text/plain", largest + "x")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessageContaining("Message is larger than 65536 bytes");
        assertThatThrownBy(() -> reader.readLogEntry(request("application/json",
                "{\"uuid\": \"u\", \"msg\": \"" + largest + "x\"}")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void readsALoggingRequestAndRequiresBothFields() {
        assertThat(reader.readLogEntry(request("application/json", "{\"uuid\": \"u1\", \"msg\": \"m\"}")))
                .isEqualTo(new LogEntry("u1", "m", null));
        assertThat(reader.readLogEntry(request("application/json",
                "{\"uuid\": \"u2\", \"msg\": \"m\", \"supersedes\": \"u1\"}")))
                .isEqualTo(new LogEntry("u2", "m", "u1"));
        for (String body : new String[] {"{\"msg\": \"m\"}", "{\"uuid\": \"u1\"}", "{\"uuid\": \" \", \"msg\": \"m\"}"}) {
            assertThatThrownBy(() -> reader.readLogEntry(request("application/json", body)))
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
