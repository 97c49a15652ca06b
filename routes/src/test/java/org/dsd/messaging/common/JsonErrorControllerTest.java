package org.dsd.messaging.common;

import jakarta.servlet.RequestDispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class JsonErrorControllerTest {

    private static ResponseEntity<ErrorAnswer> errorFor(CamelContext camel, int status) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/logging");
        return new JsonErrorController(camel).error(request, new MockHttpServletResponse());
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
