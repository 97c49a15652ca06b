package org.dsd.messaging.http;

import java.util.List;

import jakarta.servlet.RequestDispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class JsonErrorControllerTest {

    private static ResponseEntity<ErrorAnswer> errorFor(CamelContext camel, int status) {
        return errorFor(camel, status, "GET", "/logging");
    }

    private static ResponseEntity<ErrorAnswer> errorFor(CamelContext camel, int status, String method, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, uri);
        return new JsonErrorController(camel).error(request, new MockHttpServletResponse());
    }

    /** A started context whose REST DSL declares {@code GET, POST /logging} and {@code GET /services/{name}}. */
    private static CamelContext startedDeclaringRestPaths() throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().getContextPlugin(Model.class).addRestDefinitions(List.of(
                new RestDefinition().path("/logging").get().post(),
                new RestDefinition().path("/services").get("/{name}")), false);
        camel.start();
        return camel;
    }

    @Test
    void aDeclaredPathWithoutHandlerWhileCamelRunsIsUnavailableNotMissing() throws Exception {
        try (CamelContext started = startedDeclaringRestPaths()) {
            assertThat(errorFor(started, 404).getStatusCode().value()).isEqualTo(503);
            assertThat(errorFor(started, 404, "GET", "/services/logging-service").getStatusCode().value())
                    .isEqualTo(503);
            assertThat(errorFor(started, 405, "POST", "/logging").getStatusCode().value()).isEqualTo(503);
        }
    }

    @Test
    void aPathOrMethodTheRestDslDoesNotDeclareKeepsItsStatusWhileCamelRuns() throws Exception {
        try (CamelContext started = startedDeclaringRestPaths()) {
            assertThat(errorFor(started, 405, "PUT", "/logging").getStatusCode().value()).isEqualTo(405);
            assertThat(errorFor(started, 404, "GET", "/logging/more").getStatusCode().value()).isEqualTo(404);
            assertThat(errorFor(started, 404, "GET", "/services/a/b").getStatusCode().value()).isEqualTo(404);
            assertThat(errorFor(started, 404, "GET", "/nothing").getBody().error()).isEqualTo("No such path: /nothing");
        }
    }

    @Test
    void aPathWithoutRouteWhileCamelIsNotRunningIsUnavailableNotMissing() throws Exception {
        try (CamelContext notStarted = new DefaultCamelContext()) {
            ResponseEntity<ErrorAnswer> answer = errorFor(notStarted, 404);

            assertThat(answer.getStatusCode().value()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(answer.getBody().error()).isEqualTo(JsonErrorController.NOT_SERVING);
        }
    }

    @Test
    void onceCamelRunsAnUnknownPathIsNotFound() throws Exception {
        try (CamelContext started = new DefaultCamelContext()) {
            started.start();

            ResponseEntity<ErrorAnswer> answer = errorFor(started, 404);

            assertThat(answer.getStatusCode().value()).isEqualTo(404);
            assertThat(answer.getBody().error()).isEqualTo("No such path: /logging");
        }
    }

    @Test
    void aBadRequestStaysABadRequestWhileCamelStarts() throws Exception {
        try (CamelContext notStarted = new DefaultCamelContext()) {
            assertThat(errorFor(notStarted, 400).getStatusCode().value()).isEqualTo(400);
        }
    }
}
