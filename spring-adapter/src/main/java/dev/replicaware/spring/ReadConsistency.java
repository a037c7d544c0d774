package dev.replicaware.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the read-only transactions of this method (or of every method of this class) accept to read: replicas at most
 * {@link #maxStaleness()} behind the primary, as the monitor measures it. A method's annotation wins over its class's.
 * When no replica is fresh enough, the read goes to the primary ({@code routing.fallback-to-primary}, the default) or fails.
 *
 * <pre>{@code
 * @ReadConsistency(maxStaleness = "2s")
 * @Transactional(readOnly = true)
 * public List<Order> recentOrders() { ... }
 * }</pre>
 *
 * @see ReadFromPrimary
 * @see dev.replicaware.ReadConsistency
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadConsistency {

    /**
     * The furthest behind the primary a replica may be, as a Spring Boot duration ({@code 500ms}, {@code 2s},
     * {@code PT2S}). Empty: any replica within {@code replicaware.routing.max-lag}.
     */
    String maxStaleness() default "";
}
