/**
 * The listener SPI every component reports through. Context propagation lives in
 * {@link dev.fearless.context}.
 */
@NullMarked
package dev.fearless.telemetry;

import org.jspecify.annotations.NullMarked;
