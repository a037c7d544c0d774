package dev.replicaware.spring;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches methods that carry {@link ReadFromPrimary} or {@link ReadConsistency}, directly or through their class.
 * Matching runs when beans are proxied, at start-up, so a malformed annotation fails start-up there, naming the method.
 */
final class ReadConsistencyPointcut extends StaticMethodMatcherPointcut {

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return false;
        }
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        return ReadConsistencyInterceptor.consistencyOf(specific, targetClass).isPresent();
    }
}
