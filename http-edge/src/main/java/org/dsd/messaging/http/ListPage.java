package org.dsd.messaging.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Header;

/**
 * A page of a list: at most {@code limit} messages, those after the message {@code after} (its uuid) when given.
 * A client walks a list of any length by asking again after the last uuid of each page, which the answer's
 * {@code Link} header names while the page is full.
 */
public record ListPage(int limit, String after) {

    /** The exchange property that holds the page a list request asked for; absent for the whole list. */
    public static final String PROPERTY = "listPage";
    public static final int MAX_LIMIT = 10_000;
    private static final int MAX_CURSOR_LENGTH = 256;

    /** The page the {@code limit} and {@code after} query parameters ask for, or null for the whole list. */
    public static ListPage fromQuery(@Header("limit") String limit, @Header("after") String after) {
        if (limit == null && after == null) {
            return null;
        }
        if (after != null && (after.isBlank() || after.length() > MAX_CURSOR_LENGTH)) {
            throw new ApiError(400, "after: the uuid of a listed message (at most " + MAX_CURSOR_LENGTH + " characters)");
        }
        return new ListPage(limit == null ? MAX_LIMIT : parseLimit(limit), after);
    }

    private static int parseLimit(String limit) {
        try {
            int parsed = Integer.parseInt(limit.trim());
            if (parsed >= 1 && parsed <= MAX_LIMIT) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new ApiError(400, "limit: a whole number from 1 to " + MAX_LIMIT + ", not '" + limit + "'");
    }

    /** The query string that asks another service for this page. */
    public String query() {
        return after == null ? "limit=" + limit : "limit=" + limit + "&after=" + encoded(after);
    }

    /** The {@code Link} header to the page after this one, which ended with {@code lastUuid}. */
    public String nextLink(String path, String lastUuid) {
        return "<" + path + "?limit=" + limit + "&after=" + encoded(lastUuid) + ">; rel=\"next\"";
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
