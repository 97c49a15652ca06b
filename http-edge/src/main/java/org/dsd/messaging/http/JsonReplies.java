package org.dsd.messaging.http;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.dsd.messaging.model.TimeOrdered;
import org.springframework.stereotype.Component;

/**
 * Writes the HTTP answer of a route. Request headers are dropped first: the HTTP binding would otherwise
 * echo them (form fields included) back as response headers.
 */
@Component
public class JsonReplies {

    /** Seconds a client is asked to wait before it retries a 503. */
    public static final int RETRY_AFTER_SECONDS = 1;

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
     * Answers a stored or refused message: {@code status} with the JSON of {@code answer} applied to the route's
     * body, an outcome of type {@code outcome}.
     */
    public <T> Processor reply(int status, Class<T> outcome, Function<T, ?> answer) {
        return exchange -> reply(exchange, status, answer.apply(exchange.getIn().getBody(outcome)));
    }

    /**
     * 200 with the list in the route's body, its JSON written while the answer goes out: a page of {@code path}
     * (a list; a full page also names the next one in its {@code Link} header), or the whole list (an iterator that
     * reads its elements as they go out) when the request asked for no page.
     */
    public Processor list(String path) {
        return exchange -> {
            ListPage asked = exchange.getProperty(ListPage.PROPERTY, ListPage.class);
            if (asked == null) {
                answer(exchange, 200, new JsonArrayStream(json, exchange.getIn().getBody(Iterator.class)));
                return;
            }
            List<? extends TimeOrdered> page = exchange.getIn().getBody(List.class);
            answer(exchange, 200, new JsonArrayStream(json, page));
            if (!page.isEmpty() && page.size() == asked.limit()) {
                exchange.getMessage().setHeader("Link", asked.nextLink(path, page.get(page.size() - 1).uuid()));
            }
        };
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

    /** The answer {@code status} whose reason is the message of the exception the route caught. */
    public Processor errorReason(int status) {
        return exchange -> errorReply(exchange, status,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).getMessage());
    }

    /** The answer when the Hazelcast cluster could not complete or confirm an operation. */
    public void clusterUnavailable(Exchange exchange) throws JsonProcessingException {
        errorReply(exchange, 503, "cluster unavailable: retry later");
    }

    /** {"error": reason}; a 503 also tells the client when to retry. */
    private void errorReply(Exchange exchange, int status, String reason) throws JsonProcessingException {
        reply(exchange, status, errorBody(reason));
        if (status == 503) {
            exchange.getMessage().setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
    }

    public static ErrorAnswer errorBody(String reason) {
        return new ErrorAnswer(reason);
    }
}
