/**
 * JDK Flight Recorder events for Fearless components. See {@link dev.fearless.jfr.FearlessJfr}.
 */
@NullMarked
package dev.fearless.jfr;

import org.jspecify.annotations.NullMarked;
