package org.dsd.messaging.http;

import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestParamType;
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

    /** The {@code limit} query parameter of a paged list ({@link ListPage}). */
    public static ParamDefinition limitParam(String meaning) {
        return new ParamDefinition().name("limit").type(RestParamType.query).dataType("integer").required(false)
                .description(meaning + " (1 to " + ListPage.MAX_LIMIT + "); without it, all");
    }

    /** The {@code after} query parameter of a paged list ({@link ListPage}). */
    public static ParamDefinition afterParam(String meaning) {
        return new ParamDefinition().name("after").type(RestParamType.query).required(false).description(meaning);
    }
}
