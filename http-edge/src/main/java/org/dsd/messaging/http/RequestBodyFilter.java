package org.dsd.messaging.http;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads every request body before Camel's HTTP binding does, since a failure inside the binding is a bare
 * 500: a body larger than any message of {@code app.http.max-message-size} can make gets 413 (a declared length
 * up front, a chunked body once it passes the limit, so nothing larger is ever held in memory), and a form body
 * that Camel's binding cannot parse gets 400. The binding then reads the buffered copy, which also spares it the
 * container's reader, which is closed under it when the body declares a charset other than UTF-8.
 */
@Component
@EnableConfigurationProperties(HttpProperties.class)
public class RequestBodyFilter extends OncePerRequestFilter {

    private final long limit;
    private final String tooLarge;
    private final ObjectMapper json;

    public RequestBodyFilter(HttpProperties properties, ObjectMapper json) {
        this.limit = properties.maxBodyBytes();
        this.tooLarge = "Request body is larger than " + limit + " bytes";
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuse(response, 413, tooLarge);
            return;
        }
        boolean hasBody = declared > 0 || (declared < 0 && request.getHeader("Transfer-Encoding") != null);
        if (hasBody) {
            byte[] body = request.getInputStream().readNBytes((int) limit + 1);
            if (body.length > limit) {
                refuse(response, 413, tooLarge);
                return;
            }
            if (isForm(request.getContentType()) && !isWellFormedForm(body)) {
                refuse(response, 400, "Malformed form body");
                return;
            }
            request = new BufferedBodyRequest(request, body);
        }
        chain.doFilter(request, response);
    }

    private static boolean isForm(String contentType) {
        try {
            return contentType != null
                    && MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(contentType));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Every field is {@code name=value} and %-decodes: Camel's HTTP binding parses form bodies into headers and
     * fails with a 500 on a field without '=' (an empty one between two '&amp;' too).
     */
    private static boolean isWellFormedForm(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        try {
            URLDecoder.decode(form, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Arrays.stream(form.split("&")).allMatch(field -> field.contains("="));
    }

    private void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // The rest of a refused body is not read: the connection cannot be reused.
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), JsonReplies.errorBody(reason));
    }

    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }
    }
}
