package org.dsd.messaging.common;

import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.springframework.http.MediaType;

/** Answers as the REST DSL declares them for the OpenAPI document: every error has the body {"error": ...}. */
public final class RestContract {

    public static final String JSON = MediaType.APPLICATION_JSON_VALUE;

    private RestContract() {
    }

    public static ResponseMessageDefinition answer(int code, String meaning, Class<?> body) {
        return new ResponseMessageDefinition().code(code).message(meaning).responseModel(body);
    }

    public static ResponseMessageDefinition error(int code, String meaning) {
        return answer(code, meaning, ErrorAnswer.class);
    }
}
