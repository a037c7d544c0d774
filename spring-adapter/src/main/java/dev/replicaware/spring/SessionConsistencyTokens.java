package dev.replicaware.spring;

import dev.replicaware.ConsistencyToken;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Carries a user's read-your-writes position from one HTTP request to the next in the HTTP session
 * ({@code replicaware.web.consistency-token: http-session}): each commit made while a request is handled keeps its
 * position in that request's session, before the commit returns (so before a redirect is sent); connections taken
 * while a later request of the same session is handled read with {@code ReadConsistency.readYourWrites(token)}.
 * Uses the request Spring MVC binds to the thread; outside a request it does nothing.
 */
final class SessionConsistencyTokens {
    static final String ATTRIBUTE = SessionConsistencyTokens.class.getName() + ".token";

    private SessionConsistencyTokens() {}

    /** Keeps {@code token} in the current request's session (creating it) when it is later than the one held. */
    static void committed(ConsistencyToken token) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request == null) {
            return;
        }
        ConsistencyToken held = held(request);
        ConsistencyToken latest = ConsistencyToken.later(held, token);
        if (latest != held) {
            request.setAttribute(ATTRIBUTE, latest, RequestAttributes.SCOPE_SESSION);
        }
    }

    /** The position the current request's session holds; null outside a request or without a session. */
    static ConsistencyToken current() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request == null ? null : held(request);
    }

    private static ConsistencyToken held(RequestAttributes request) {
        Object held = request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_SESSION); // creates no session
        return held instanceof ConsistencyToken t ? t : null;
    }
}
