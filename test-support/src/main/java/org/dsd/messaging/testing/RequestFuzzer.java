package org.dsd.messaging.testing;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, generated: requests of random methods, paths, content types, charsets, bodies and headers, from a
 * seed that a failure prints. Every answer must be a success or a JSON {@code {"error"}} below 500, within the
 * timeout; after any refused request the app must have stored and queued nothing ({@code stored} unchanged).
 */
public final class RequestFuzzer {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NO_HANG = Duration.ofSeconds(15);
    private static final List<String> METHODS = List.of("GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH",
            "OPTIONS");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=UTF-8",
            "application/json; charset=ISO-8859-1", "application/json; charset=no-such-charset",
            "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-16", "text/plain",
            "text/plain; charset=windows-1252", "text/plain; charset=", "application/xml", "multipart/form-data",
            "image/png", "application/", "*/*", ";;;", "text/plain; charset=\"utf-8\"", "APPLICATION/JSON");
    private static final List<String> ACCEPTS = List.of("*/*", "application/json", "text/html", "application/xml",
            "text/*", "application/json;q=0.1, text/plain", "garbage");

    private final String baseUrl;
    private final List<String> paths;
    private final LongSupplier stored;
    private final Random random;
    private final long seed;
    /** By method and by kind of body. */
    private final Map<String, Integer> sent = new TreeMap<>();
    private final Map<Integer, Integer> answered = new TreeMap<>();

    /**
     * {@code paths}: the app's own path first, then others it serves or not. The seed is {@code -Dfuzz.seed} (to
     * replay a failure) or a new one.
     */
    public RequestFuzzer(String baseUrl, List<String> paths, LongSupplier stored) {
        this.baseUrl = baseUrl;
        this.paths = paths;
        this.stored = stored;
        this.seed = Long.getLong("fuzz.seed", System.nanoTime());
        this.random = new Random(seed);
    }

    /** Sends {@code count} requests, checks every answer, and prints what it sent and what came back. */
    public void run(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String kind = bodyKind();
            String body = body(kind);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path())).timeout(NO_HANG);
            String method = pick(METHODS);
            request.method(method, publisher(body, kind.equals("chunked") || random.nextInt(6) == 0));
            if (random.nextInt(10) > 0) {
                request.header("Content-Type", pick(CONTENT_TYPES));
            }
            if (random.nextInt(3) == 0) {
                request.header("Accept", pick(ACCEPTS));
            }
            if (random.nextInt(5) == 0) {
                request.header(pick(List.of("Idempotency-Key", "X-Odd", "Accept-Charset", "Content-Language")),
                        pick(List.of("", " ", "k".repeat(300), "ä-ö", "key-" + i, "\t")));
            }
            count(sent, method);
            count(sent, kind);
            check(method, kind, body, request);
        }
        System.out.printf("fuzz %s (seed %d): sent %s; answered %s%n", baseUrl, seed, sent, answered);
    }

    private void check(String method, String kind, String body, HttpRequest.Builder request) throws Exception {
        long before = stored.getAsLong();
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException hung) {
            throw new AssertionError("no answer within " + NO_HANG + " (seed " + seed + "): " + describe(built, body));
        }
        int status = response.statusCode();
        count(answered, status);
        String what = status + " " + response.body() + " for " + describe(built, body) + " (seed " + seed + ")";
        assertThat(status).as(what).isLessThan(500);
        if (status >= 400) {
            JsonNode error;
            try {
                error = JSON.readTree(response.body());
            } catch (JsonProcessingException notJson) {
                throw new AssertionError("not a JSON error: " + what);
            }
            assertThat(error.path("error").asText()).as(what).isNotBlank();
            assertThat(stored.getAsLong()).as("stored or queued after " + what).isEqualTo(before);
        }
    }

    private static String describe(HttpRequest request, String body) {
        String shown = body == null ? "no body" : body.length() > 120 ? body.substring(0, 120) + "... ("
                + body.length() + " chars)" : body;
        return request.method() + " " + request.uri() + " " + request.headers().map() + " " + shown;
    }

    private String path() {
        return switch (random.nextInt(12)) {
            case 0 -> "/";
            case 1 -> paths.get(0) + "/" + random.nextInt(100);
            case 2 -> paths.get(0) + "%2F..%2F";
            case 3 -> "/" + "x".repeat(2000);
            case 4 -> paths.get(0) + "?msg=" + pick(List.of("hello", "%C3%28", "a&msg=b", "", "%00"));
            case 5 -> pick(paths) + ";jsessionid=1";
            default -> pick(paths);
        };
    }

    private String bodyKind() {
        return pick(List.of("none", "empty", "json", "json", "truncated-json", "json-of-wrong-shape", "form",
                "odd-form", "text", "huge", "chunked", "binary"));
    }

    private String body(String kind) {
        String text = pick(List.of("hello", "ünïcödé ✓", " ", "", "\u0000", "x".repeat(random.nextInt(70_000))));
        String json = "{\"uuid\": \"" + random.nextInt(1_000) + "\", \"msg\": " + JSON.valueToTree(text) + "}";
        return switch (kind) {
            case "none" -> null;
            case "empty" -> "";
            case "json", "chunked" -> json;
            case "text" -> text;
            case "truncated-json" -> json.substring(0, random.nextInt(json.length()));
            case "json-of-wrong-shape" -> pick(List.of("[]", "null", "42", "\"msg\"", "{\"msg\": 5}",
                    "{\"msg\": {\"a\": 1}}", "{\"uuid\": [], \"msg\": \"x\"}", "{\"msg\": \"a\", \"msg\": \"b\"}"));
            case "form" -> "msg=" + text.replace("%", "%25").replace("&", "%26").replace(' ', '+')
                    + (random.nextBoolean() ? "&uuid=" + random.nextInt(1_000) : "");
            case "odd-form" -> pick(List.of("msg=%", "msg=%2", "msg=%zz", "msg=%C3%28", "msg=a&msg=b", "=&=&",
                    "msg", "&&&msg=x&&", "msg=%00", "msg=" + "%41".repeat(30_000)));
            case "huge" -> "x".repeat(300_000 + random.nextInt(200_000));
            case "binary" -> new String(randomBytes(), StandardCharsets.ISO_8859_1);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static BodyPublisher publisher(String body, boolean chunked) {
        if (body == null) {
            return BodyPublishers.noBody();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // A stream of unknown length goes out chunked.
        return chunked ? BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : BodyPublishers.ofByteArray(bytes);
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(2_000)];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static <K> void count(Map<K, Integer> counts, K key) {
        counts.merge(key, 1, Integer::sum);
    }
}
