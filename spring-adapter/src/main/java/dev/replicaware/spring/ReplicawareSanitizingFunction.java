package dev.replicaware.spring;

import dev.replicaware.config.Secrets;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Keeps {@code replicaware.*} secrets out of the {@code configprops} and {@code env} endpoints even when they are set
 * to show values: passwords (any key that holds a secret, pool driver properties included) are masked, and so is a
 * password carried in a node's URL.
 */
final class ReplicawareSanitizingFunction implements SanitizingFunction {

    @Override
    public SanitizableData apply(SanitizableData data) {
        String key = data.getKey();
        Object value = data.getValue();
        if (key == null || value == null || !key.toLowerCase(java.util.Locale.ROOT).startsWith("replicaware")) {
            return data;
        }
        if (Secrets.isSecretKey(key)) {
            return data.withValue(SanitizableData.SANITIZED_VALUE);
        }
        if (value instanceof String s) {
            String masked = Secrets.maskUrl(s);
            return masked.equals(s) ? data : data.withValue(masked);
        }
        return data;
    }
}
