package org.dsd.messaging.common;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Writes the HTTP answer of a route. Request headers are dropped first: the HTTP binding would otherwise
 * echo them (form fields included) back as response headers.
 */
@Component
public class JsonReplies {

    private final ObjectMapper json;

    public JsonReplies(ObjectMapper json) {
        this.json = json;
    }

    public void reply(Exchange exchange, int status, Object body) throws JsonProcessingException {
        // Bytes: the JSON is encoded once, as it is written.
        replyJson(exchange, status, json.writeValueAsBytes(body));
        // A short answer (a POST's, an error): sent with its Content-Length in one write, not as a chunk followed
        // by the last chunk. The binding buffers such an answer to measure it, so lists stay chunked.
        exchange.getMessage().setHeader(Exchange.HTTP_CHUNKED, false);
    }

    /** An answer whose JSON is already written, or is read from a stream as it goes out. */
    public void replyJson(Exchange exchange, int status, Object body) {
        answer(exchange, status, body);
    }

    private static void answer(Exchange exchange, int status, Object body) {
        Message answer = exchange.getMessage();
        answer.removeHeaders("*");
        answer.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        answer.setHeader(Exchange.CONTENT_TYPE, "application/json");
        answer.setBody(body);
    }

    /**
     * 200 with a list of messages, its JSON written while the answer goes out; a full page also names the next one
     * in its {@code Link} header.
     */
    public <T> void replyList(Exchange exchange, String path, List<T> list, Function<T, String> uuidOf, ListPage page)
            throws IOException {
        answer(exchange, 200, new JsonArrayStream(json, list));
        if (page != null && !list.isEmpty() && list.size() == page.limit()) {
            exchange.getMessage().setHeader("Link", page.nextLink(path, uuidOf.apply(list.get(list.size() - 1))));
        }
    }

    /** 200 with a whole list whose elements are read while its JSON goes out. */
    public void replyList(Exchange exchange, Iterator<?> elements) throws IOException {
        answer(exchange, 200, new JsonArrayStream(json, elements));
    }

    /** The answer for the exception a route caught: its own status for an {@link ApiError}, else 500. */
    public void error(Exchange exchange) throws JsonProcessingException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof ApiError error) {
            errorReply(exchange, error.status(), error.getMessage());
        } else {
            errorReply(exchange, 500, "Internal error");
        }
    }

    /** The answer when the Hazelcast cluster could not complete or confirm an operation. */
    public void clusterUnavailable(Exchange exchange) throws JsonProcessingException {
        errorReply(exchange, 503, "cluster unavailable: retry later");
    }

    /** {"error": reason}; a 503 also tells the client when to retry. */
    private void errorReply(Exchange exchange, int status, String reason) throws JsonProcessingException {
        reply(exchange, status, errorBody(reason));
        if (status == 503) {
            exchange.getMessage().setHeader("Retry-After", ServiceUnavailableException.RETRY_AFTER_SECONDS);
        }
    }

    public static ErrorAnswer errorBody(String reason) {
        return new ErrorAnswer(reason);
    }
}
