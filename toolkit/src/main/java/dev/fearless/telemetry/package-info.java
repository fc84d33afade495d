/**
 * The listener SPI every component reports through, and the context-propagation SPI.
 */
@NullMarked
package dev.fearless.telemetry;

import org.jspecify.annotations.NullMarked;
