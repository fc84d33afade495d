/**
 * Micrometer binders for the Fearless toolkit.
 */
@NullMarked
package dev.fearless.metrics;

import org.jspecify.annotations.NullMarked;
