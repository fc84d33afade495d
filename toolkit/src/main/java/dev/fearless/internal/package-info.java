/**
 * Helpers shared by every package of the toolkit: timeout conversion, name checks, thread
 * descriptions for messages, the time source every deadline reads and the scheduling-point hook.
 * Exported only to {@code dev.fearless.test} (the schedule explorer installs virtual time and
 * scheduling points); nothing here is API.
 */
@NullMarked
package dev.fearless.internal;

import org.jspecify.annotations.NullMarked;
