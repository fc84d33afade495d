/**
 * Micrometer context propagation into Fearless scopes and executors. See
 * {@link dev.fearless.context.micrometer.MicrometerContextPropagator}.
 */
@NullMarked
package dev.fearless.context.micrometer;

import org.jspecify.annotations.NullMarked;
