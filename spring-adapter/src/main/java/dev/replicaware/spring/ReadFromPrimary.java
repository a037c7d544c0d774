package dev.replicaware.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Read-only transactions of this method (or of every method of this class) read from the primary: for reads that
 * must see the application's own latest writes. Honoured by transactions the method starts and by a read-only
 * transaction it joins before its first statement.
 *
 * <pre>{@code
 * @ReadFromPrimary
 * @Transactional(readOnly = true)
 * public Order confirmation(long id) { ... }
 * }</pre>
 *
 * @see ReadConsistency
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadFromPrimary {
}
