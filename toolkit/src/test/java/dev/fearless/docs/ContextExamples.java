package dev.fearless.docs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The names the Javadoc examples of {@code dev.fearless.context} take for granted. */
@SuppressWarnings("unused")
public abstract class ContextExamples {

    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final Runnable task = () -> log.info("task ran");
}
