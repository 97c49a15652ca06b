package org.dsd.messaging.common;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

class JsonErrorControllerTest {

    private static ResponseEntity<Map<String, String>> errorFor(CamelContext camel, int status) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/logging");
        return new JsonErrorController(camel).error(request);
    }

    @Test
    void aPathWithoutRouteWhileCamelIsNotRunningIsUnavailableNotMissing() throws Exception {
        try (CamelContext notStarted = new DefaultCamelContext()) {
            ResponseEntity<Map<String, String>> answer = errorFor(notStarted, 404);

            assertThat(answer.getStatusCode().value()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(answer.getBody()).containsEntry("error", JsonErrorController.NOT_SERVING);
        }
    }

    @Test
    void onceCamelRunsAnUnknownPathIsNotFound() throws Exception {
        try (CamelContext started = new DefaultCamelContext()) {
            started.start();

            ResponseEntity<Map<String, String>> answer = errorFor(started, 404);

            assertThat(answer.getStatusCode().value()).isEqualTo(404);
            assertThat(answer.getBody()).containsEntry("error", "No such path: /logging");
        }
    }

    @Test
    void aBadRequestStaysABadRequestWhileCamelStarts() throws Exception {
        try (CamelContext notStarted = new DefaultCamelContext()) {
            assertThat(errorFor(notStarted, 400).getStatusCode().value()).isEqualTo(400);
        }
    }
}
