package org.dsd.messaging.management;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.context.support.WebApplicationContextUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Everything on the management port (Hawtio, Jolokia, every actuator endpoint) needs a login: the form for
 * browsers, HTTP Basic for scripts. The user is Spring Boot's {@code spring.security.user.*}; without a configured
 * password Spring Boot generates one at start and logs it once. The business port passes untouched: no chain
 * matches its requests, so no security filter runs on them.
 */
@Configuration
public class ManagementSecurity {

    private static final String MANAGEMENT_NAMESPACE = "management";

    @Bean
    public SecurityFilterChain managementSecurityFilterChain(HttpSecurity http) throws Exception {
        return http.securityMatcher(onManagementServer())
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                // Hawtio's pages post Jolokia requests with the session cookie: they carry the token the cookie
                // gives them. A request with its own credentials (a script's Basic header) is no forgery.
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SinglePageAppCsrfHandler())
                        .ignoringRequestMatchers(request -> request.getHeader(HttpHeaders.AUTHORIZATION) != null))
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .build();
    }

    /**
     * Requests served by the management server's own child context. Management never shares the business port:
     * with {@code management.server.address} set (127.0.0.1 by default), Spring Boot refuses to start on one port.
     */
    private static RequestMatcher onManagementServer() {
        return request -> WebApplicationContextUtils.getWebApplicationContext(request.getServletContext())
                instanceof WebServerApplicationContext context
                && MANAGEMENT_NAMESPACE.equals(context.getServerNamespace());
    }

    /**
     * Reads the token from the header as sent by a script (raw, from the cookie) and renders it masked in pages,
     * as Spring Security advises for single-page apps.
     */
    private static final class SinglePageAppCsrfHandler extends CsrfTokenRequestAttributeHandler {

        private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            masked.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            return StringUtils.hasText(request.getHeader(token.getHeaderName()))
                    ? super.resolveCsrfTokenValue(request, token)
                    : masked.resolveCsrfTokenValue(request, token);
        }
    }

    /** Loads the deferred token on every request, so that the cookie exists before Hawtio's first post. */
    private static final class CsrfCookieFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
