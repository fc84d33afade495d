/**
 * The context-propagation SPI: {@link dev.fearless.context.ContextPropagator}s capture thread
 * context (the slf4j MDC, scoped values, a tracing span...) on the thread that forks or submits
 * work, and {@link dev.fearless.context.ContextSnapshot}s install it around the work on the thread
 * that runs it. Scopes and executors take a {@link dev.fearless.context.ContextPropagation} through
 * their builders' {@code context(...)}.
 */
@NullMarked
package dev.fearless.context;

import org.jspecify.annotations.NullMarked;
