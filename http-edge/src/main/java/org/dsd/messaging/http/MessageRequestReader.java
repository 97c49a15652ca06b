package org.dsd.messaging.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.dsd.messaging.model.LogEntry;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Turns request bodies into messages, or into an {@link ApiError} that says what was wrong with them.
 * Validation happens here, before any route stores or queues anything. The Content-Type has been checked before:
 * the REST DSL's {@code consumes} refuses any other with 415. Hand-written because Camel's JSON binding answers its
 * errors in plain text and has no form or text binding; Bean Validation would need that binding first.
 */
@Component
public class MessageRequestReader {

    static final String NO_MESSAGE = "No Message in Request";

    private final ObjectMapper json;
    private final long maxMessageBytes;

    public MessageRequestReader(ObjectMapper json, HttpProperties properties) {
        this.json = json;
        this.maxMessageBytes = properties.maxMessageSize().toBytes();
    }

    /** POST /facade: the text from a form field {@code msg}, a JSON object {@code {"msg"}} or a text/plain body. */
    public String readText(Exchange exchange) {
        MediaType type = MediaType.parseMediaType(exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class));
        String text;
        if (MediaType.APPLICATION_FORM_URLENCODED.includes(type)) {
            text = formField(exchange, "msg");
        } else if (MediaType.APPLICATION_JSON.includes(type)) {
            text = textField(jsonObject(exchange), "msg");
        } else {
            text = plainText(exchange, type);
        }
        if (isBlank(text)) {
            throw new ApiError(400, NO_MESSAGE);
        }
        return withinLimit(text);
    }

    /**
     * POST /logging: a JSON object {@code {"uuid", "msg"}}, both non-blank strings, and optionally
     * {@code "supersedes"}: the uuid of an earlier write of the same message.
     */
    public LogEntry readLogEntry(Exchange exchange) {
        return logEntry(jsonObject(exchange));
    }

    /**
     * POST /logging/batch: a JSON array of 1 to {@value LogEntry#MOST_PER_BATCH} such objects with distinct uuids;
     * one that is wrong refuses the whole batch.
     */
    public List<LogEntry> readLogEntries(Exchange exchange) {
        JsonNode body = json(exchange);
        if (!body.isArray() || body.isEmpty() || body.size() > LogEntry.MOST_PER_BATCH) {
            throw new ApiError(400, "JSON body must be an array of 1 to " + LogEntry.MOST_PER_BATCH + " objects");
        }
        List<LogEntry> entries = new ArrayList<>(body.size());
        Set<String> uuids = new HashSet<>();
        for (JsonNode element : body) {
            if (!element.isObject()) {
                throw new ApiError(400, "Each element of the array must be an object");
            }
            LogEntry entry = logEntry(element);
            if (!uuids.add(entry.uuid())) {
                throw new ApiError(400, "uuid " + entry.uuid() + " is given twice");
            }
            entries.add(entry);
        }
        return entries;
    }

    private LogEntry logEntry(JsonNode body) {
        String uuid = textField(body, "uuid");
        String msg = textField(body, "msg");
        String supersedes = textField(body, "supersedes");
        if (isBlank(uuid) || isBlank(msg)) {
            throw new ApiError(400, "Both uuid and msg are required and must not be blank");
        }
        if (supersedes != null && (isBlank(supersedes) || supersedes.equals(uuid))) {
            throw new ApiError(400, "supersedes must name another uuid");
        }
        return new LogEntry(uuid, withinLimit(msg), supersedes);
    }

    private String withinLimit(String text) {
        // A char is at most three UTF-8 bytes: count them only when the text could be over.
        if (3L * text.length() > maxMessageBytes && text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            throw new ApiError(413, "Message is larger than " + maxMessageBytes + " bytes");
        }
        return text;
    }

    private static String plainText(Exchange exchange, MediaType type) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        try {
            return body == null ? null : new String(body, type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset());
        } catch (IllegalArgumentException e) {
            throw new ApiError(415, "Unsupported charset in Content-Type " + type);
        }
    }

    private JsonNode jsonObject(Exchange exchange) {
        JsonNode node = json(exchange);
        if (!node.isObject()) {
            throw new ApiError(400, "JSON body must be an object");
        }
        return node;
    }

    private JsonNode json(Exchange exchange) {
        String body = exchange.getIn().getBody(String.class);
        if (isBlank(body)) {
            throw new ApiError(400, "Request body is empty");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "Malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null) {
            throw new ApiError(400, "Request body is empty");
        }
        return node;
    }

    private static String textField(JsonNode object, String name) {
        JsonNode field = object.get(name);
        if (field == null || field.isNull()) {
            return null;
        }
        if (!field.isTextual()) {
            throw new ApiError(400, "Field '" + name + "' must be a string");
        }
        return field.textValue();
    }

    private static String formField(Exchange exchange, String name) {
        List<String> values = new ArrayList<>();
        String body = exchange.getIn().getBody(String.class);
        for (String pair : body == null || body.isEmpty() ? new String[0] : body.split("&")) {
            int eq = pair.indexOf('=');
            if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        if (values.size() > 1) {
            throw new ApiError(400, "Field '" + name + "' is given " + values.size() + " times");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static String decode(String formText) {
        try {
            return URLDecoder.decode(formText, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "Malformed form body");
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
