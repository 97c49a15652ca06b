package org.dsd.messaging.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static java.nio.charset.StandardCharsets.UTF_8;

/** A plain HTTP client for tests: what curl would send, what curl would see. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    public record Answer(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** The uuids of a JSON list of messages, in list order. */
    public static List<String> uuids(JsonNode messages) {
        List<String> uuids = new ArrayList<>();
        messages.forEach(message -> uuids.add(message.get("uuid").asText()));
        return uuids;
    }

    /**
     * The uuids of a list read page by page from {@code firstPage} on, following each page's {@code Link} header,
     * as a client walks a long list; the sizes of the pages go into {@code pageSizes}.
     */
    public static List<String> walk(String firstPage, List<Integer> pageSizes) {
        List<String> walked = new ArrayList<>();
        URI next = URI.create(firstPage);
        while (next != null) {
            URI current = next;
            Answer page = get(current.toString());
            if (page.status() != 200) {
                throw new AssertionError("page " + current + " answered " + page.status() + ": " + page.body());
            }
            walked.addAll(uuids(page.json()));
            pageSizes.add(page.json().size());
            next = page.headers().firstValue("Link")
                    .map(link -> current.resolve(link.substring(1, link.indexOf('>')))).orElse(null);
        }
        return walked;
    }

    public static Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** A GET with HTTP Basic credentials, as {@code curl -u user:password} sends it. */
    public static Answer get(String url, String user, String password) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
        return send(HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Basic " + credentials));
    }

    public static Answer post(String url, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public static Answer send(HttpRequest.Builder request) {
        return send(request, Duration.ofSeconds(30));
    }

    public static Answer send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
