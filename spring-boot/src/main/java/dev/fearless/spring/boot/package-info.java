/**
 * Spring Boot auto-configuration for Fearless: {@code fearless.*} meters in the application's
 * {@code MeterRegistry}, Micrometer context propagation into every task, a
 * {@link dev.fearless.bridge.VirtualExecutor} as the {@code @Async} and {@code applicationTaskExecutor}
 * executor, the deadlock watchdog, the lock-order checker mode, and a {@code fearless} health
 * indicator. Every part is configured by {@link dev.fearless.spring.boot.FearlessProperties}.
 */
@NullMarked
package dev.fearless.spring.boot;

import org.jspecify.annotations.NullMarked;
