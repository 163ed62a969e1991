package dev.asyncio.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures what the runtime ({@code dev.asyncio.*}) logs at WARN and above, for assertions, without printing it; close
 * it to stop.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger runtime;
    private final Level previous;
    private final boolean previousAdditivity;

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        runtime = context.getLogger("dev.asyncio");
        previous = runtime.getLevel();
        previousAdditivity = runtime.isAdditive();
        setContext(context);
        start();
        runtime.addAppender(this);
        runtime.setAdditive(false);
        runtime.setLevel(Level.WARN);
    }

    /** {@return a capture that has started listening} */
    public static LogCapture capture() {
        return new LogCapture();
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** {@return the captured events whose formatted message contains {@code text}} */
    public List<ILoggingEvent> containing(String text) {
        return events.stream()
                .filter(e -> e.getFormattedMessage().contains(text))
                .toList();
    }

    /** {@return every captured event} */
    public List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        runtime.detachAppender(this);
        runtime.setLevel(previous);
        runtime.setAdditive(previousAdditivity);
        stop();
    }
}
