package org.dsd.messaging.http;


import java.util.regex.Pattern;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before a Camel route runs (unknown path, wrong method, ...) get the same JSON body as
 * the routes' own errors, instead of Spring Boot's default error page.
 *
 * <p>The web server accepts requests a moment before Camel has started the routes that serve them, and a moment
 * after it has stopped them. A request then finds no route: it gets 503 with {@code Retry-After}, not a 404 that
 * would tell a client (or the facade, which passes a logging instance's 4xx on) that the path does not exist. The
 * same holds, Camel started, for a path and method the REST DSL declares: no handler for it means its route does not
 * serve right now (a chaos run's reader got a 404 for {@code GET /logging} from a logging instance just restarted).
 */
@RestController
public class JsonErrorController implements ErrorController {

    static final String NOT_SERVING = "starting up or shutting down: retry later";

    private final CamelContext camel;

    public JsonErrorController(CamelContext camel) {
        this.camel = camel;
    }

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<ErrorAnswer> error(HttpServletRequest request, HttpServletResponse response) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        boolean notServing = switch (status) {
            case NOT_FOUND -> !camel.isStarted() || declares(uri, null);
            case METHOD_NOT_ALLOWED -> !camel.isStarted() || declares(uri, request.getMethod());
            default -> false;
        };
        if (notServing) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                    .contentType(MediaType.APPLICATION_JSON).body(JsonReplies.errorBody(NOT_SERVING));
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(JsonReplies.errorBody(reason(status, uri, request, response)));
    }

    /** Whether the REST DSL declares a path for a method (for any method when null): one served while routes run. */
    private boolean declares(Object uri, String method) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        return model != null && uri instanceof String path && model.getRestDefinitions().stream()
                .anyMatch(rest -> rest.getVerbs().stream()
                        .filter(verb -> method == null || verb.asVerb().equalsIgnoreCase(method))
                        .anyMatch(verb -> template(rest, verb).matcher(path).matches()));
    }

    /** A REST DSL path as a pattern: {@code /services/{name}} matches {@code /services/logging-service}. */
    private static Pattern template(RestDefinition rest, VerbDefinition verb) {
        String path = rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
        return Pattern.compile(Pattern.quote(path).replaceAll("\\{[^/}]+}", "\\\\E[^/]+\\\\Q"));
    }

    private static String reason(HttpStatus status, Object uri, HttpServletRequest request,
                                 HttpServletResponse response) {
        return switch (status) {
            case NOT_FOUND -> "No such path: " + uri;
            case METHOD_NOT_ALLOWED -> "Method not allowed on " + uri;
            // Refused by the REST DSL's consumes, which Spring MVC enforces; it lists the declared types in Accept.
            case UNSUPPORTED_MEDIA_TYPE -> request.getContentType() == null ? "Content-Type header is missing"
                    : "Content-Type " + request.getContentType() + " is not supported; use "
                    + response.getHeader(HttpHeaders.ACCEPT);
            case NOT_ACCEPTABLE -> "Answers are " + MediaType.APPLICATION_JSON_VALUE + " only";
            default -> status.getReasonPhrase();
        };
    }
}
