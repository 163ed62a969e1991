package dev.asyncio.exception;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when tasks awaited together failed: by {@code gather} (strategies FAIL_FAST and WAIT_ALL) and by a
 * task group. It carries the whole picture, every failure and every result by input index, like Python's
 * {@code ExceptionGroup}, so that one failure never hides another.
 *
 * <p>Every failure is also {@linkplain #getSuppressed() suppressed} by this exception, in index order, so
 * stack traces show them all; the {@linkplain #firstException() first failure} is the {@linkplain
 * #getCause() cause}. The message is one line naming the source, the counts and the first failure:
 *
 * <pre>gather (FAIL_FAST): 2 of 5 tasks failed; first: [3] 'fetch-users' java.io.IOException: connection reset</pre>
 *
 * <p>An input that appears neither among the failures nor among the results did not complete (for example a
 * sibling that FAIL_FAST cancelled because of a failure: such inputs are not failures). The inputs are the
 * indices of {@link #taskNames()} together with those of the failures and the results.
 *
 * <p>The maps are copied at construction and never change, so the accessors may be called from any thread
 * once the exception has been safely published (thrown to, or handed over with a happens-before edge).
 * Like any {@code Throwable}, it serializes only if its failures and results do. Unless otherwise
 * specified, passing null throws {@code NullPointerException}.
 */
public class GatherException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Who threw it, e.g. {@code "gather (FAIL_FAST)"}. */
    private final String source;

    /** Every input index: those of the names, the failures and the results. */
    private final SortedSet<Integer> inputs;

    /** Input index to task name; unmodifiable. */
    private final SortedMap<Integer, String> taskNames;

    /** Input index to failure; unmodifiable. */
    private final SortedMap<Integer, Throwable> exceptions;

    /** Input index to result, which may be null; unmodifiable. */
    private final SortedMap<Integer, @Nullable Object> results;

    /** The first failure by completion time, also the cause; null without failures. */
    private final @Nullable Throwable firstException;

    /**
     * Creates the exception; the maps are copied, so the caller may reuse them.
     *
     * @param source who throws it, for the message and reports, e.g. {@code "gather (FAIL_FAST)"} or
     *     {@code "task group"}
     * @param taskNames the name of every input, by input index
     * @param exceptions the failure of each input that failed, by input index; values are not null
     * @param results the value of each input that succeeded, by input index; values may be null
     * @param firstException the first failure by completion time, or null to take the failure with the lowest
     *     index
     */
    public GatherException(
            String source,
            Map<Integer, String> taskNames,
            Map<Integer, Throwable> exceptions,
            Map<Integer, @Nullable Object> results,
            @Nullable Throwable firstException) {
        this(Parts.of(source, taskNames, exceptions, results, firstException));
    }

    // addSuppressed is final in Throwable and only records the failure: no subclass code runs early.
    @SuppressWarnings("this-escape")
    private GatherException(Parts parts) {
        super(parts.message(), parts.first());
        this.source = parts.source();
        this.inputs = parts.inputs();
        this.taskNames = parts.taskNames();
        this.exceptions = parts.exceptions();
        this.results = parts.results();
        this.firstException = parts.first();
        for (Throwable failure : exceptions.values()) {
            addSuppressed(failure);
        }
    }

    /** {@return who threw this exception, as given to the constructor} */
    public String source() {
        return source;
    }

    /** {@return the failures by input index, sorted by index; unmodifiable} */
    public Map<Integer, Throwable> exceptions() {
        return exceptions;
    }

    /** {@return the values of the inputs that succeeded by input index, sorted by index; unmodifiable, values may be null} */
    public Map<Integer, @Nullable Object> results() {
        return results;
    }

    /** {@return the name of every input by input index, sorted by index; unmodifiable} */
    public Map<Integer, String> taskNames() {
        return taskNames;
    }

    /** {@return the number of inputs: the distinct indices of the names, failures and results} */
    public int taskCount() {
        return inputs.size();
    }

    /** {@return the number of inputs that failed} */
    public int failedCount() {
        return exceptions.size();
    }

    /** {@return the number of inputs that succeeded} */
    public int successCount() {
        return results.size();
    }

    /**
     * {@return whether the input at {@code index} failed}
     *
     * @param index an input index
     */
    public boolean hasFailed(int index) {
        return exceptions.containsKey(index);
    }

    /**
     * {@return the failure of the input at {@code index}, or null when it did not fail}
     *
     * @param index an input index
     */
    public @Nullable Throwable exception(int index) {
        return exceptions.get(index);
    }

    /**
     * {@return the first failure by completion time (also the {@linkplain #getCause() cause}), or null when
     * there is no failure} When the thrower did not say which came first, it is the one with the lowest index.
     */
    public @Nullable Throwable firstException() {
        return firstException;
    }

    /**
     * {@return a multi-line report for people} A header with the source and the counts, then one line per
     * input in index order: its index and name, then {@code OK}, {@code FAILED} (with {@code (cancelled)} when
     * the failure is a {@link CancellationException}) with the exception's class and message, or {@code NOT
     * COMPLETED}. Lines end with {@code \n}; line breaks inside messages become spaces.
     */
    public String detailedReport() {
        StringBuilder report = new StringBuilder(64 + 48 * inputs.size());
        report.append(source)
                .append(": ")
                .append(failedCount())
                .append(" of ")
                .append(taskCount())
                .append(taskCount() == 1 ? " task" : " tasks")
                .append(" failed, ")
                .append(successCount())
                .append(" succeeded, ")
                .append(taskCount() - failedCount() - successCount())
                .append(" not completed");
        Throwable first = firstException();
        for (int index : inputs) {
            report.append("\n  [")
                    .append(index)
                    .append("] ")
                    .append(quotedName(index))
                    .append(' ');
            Throwable failure = exceptions.get(index);
            if (failure != null) {
                report.append(failure instanceof CancellationException ? "FAILED (cancelled) " : "FAILED ")
                        .append(describe(failure));
                if (failure == first) {
                    report.append(" <- first failure");
                }
            } else {
                report.append(results.containsKey(index) ? "OK" : "NOT COMPLETED");
            }
        }
        if (first != null && indexOf(first) < 0) {
            report.append("\n  first failure: ").append(describe(first));
        }
        return report.toString();
    }

    /**
     * {@return the same facts as a JSON object, for logs and tools} The shape is
     *
     * <pre>{"source":"...","total":n,"failed":k,"succeeded":m,"firstFailureIndex":i,
     *  "tasks":[{"index":0,"name":"...","status":"completed"},
     *           {"index":1,"name":"...","status":"failed","exception":{"type":"java.io.IOException","message":"..."}}]}</pre>
     *
     * <p>{@code status} is {@code "failed"}, {@code "cancelled"} (a failure that is a {@link
     * CancellationException}), {@code "completed"} or {@code "not completed"}; only failed and cancelled
     * inputs have an {@code exception}, whose {@code type} is the fully qualified class name. A missing name
     * or message, and {@code firstFailureIndex} when there is no failure or the first one is not among the
     * inputs, are JSON {@code null}.
     */
    public String toJson() {
        StringBuilder json = new StringBuilder(96 + 96 * inputs.size());
        json.append("{\"source\":");
        appendJsonString(json, source);
        json.append(",\"total\":").append(taskCount());
        json.append(",\"failed\":").append(failedCount());
        json.append(",\"succeeded\":").append(successCount());
        Throwable first = firstException();
        int firstIndex = first == null ? -1 : indexOf(first);
        json.append(",\"firstFailureIndex\":").append(firstIndex < 0 ? "null" : Integer.toString(firstIndex));
        json.append(",\"tasks\":[");
        String separator = "";
        for (int index : inputs) {
            json.append(separator).append("{\"index\":").append(index).append(",\"name\":");
            appendJsonString(json, taskNames.get(index));
            Throwable failure = exceptions.get(index);
            json.append(",\"status\":\"").append(status(index, failure)).append('"');
            if (failure != null) {
                json.append(",\"exception\":{\"type\":");
                appendJsonString(json, failure.getClass().getName());
                json.append(",\"message\":");
                appendJsonString(json, failure.getMessage());
                json.append('}');
            }
            json.append('}');
            separator = ",";
        }
        return json.append("]}").toString();
    }

    private String status(int index, @Nullable Throwable failure) {
        if (failure != null) {
            return failure instanceof CancellationException ? "cancelled" : "failed";
        }
        return results.containsKey(index) ? "completed" : "not completed";
    }

    private String quotedName(int index) {
        String name = taskNames.get(index);
        return name == null ? "(unnamed)" : "'" + oneLine(name) + "'";
    }

    /** {@return the index of {@code failure} (by identity) among the failures, or -1} */
    private int indexOf(Throwable failure) {
        for (Map.Entry<Integer, Throwable> entry : exceptions.entrySet()) {
            if (entry.getValue() == failure) {
                return entry.getKey();
            }
        }
        return -1;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
    }

    private static String oneLine(String text) {
        return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Appends {@code text} as a JSON string, or {@code null}. Escapes what RFC 8259 requires (quote, backslash,
     * control characters), and also U+2028, U+2029 and unpaired surrogates, so the result is valid in
     * JavaScript and encodes to well-formed UTF-8.
     */
    private static void appendJsonString(StringBuilder out, @Nullable String text) {
        if (text == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        out.append("\\u")
                                .append(HEX[c >> 12])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The checked copies and derived values, computed before {@code super(message, cause)} is called. */
    private record Parts(
            String source,
            SortedSet<Integer> inputs,
            SortedMap<Integer, String> taskNames,
            SortedMap<Integer, Throwable> exceptions,
            SortedMap<Integer, @Nullable Object> results,
            @Nullable Throwable first,
            String message) {

        static Parts of(
                String source,
                Map<Integer, String> taskNames,
                Map<Integer, Throwable> exceptions,
                Map<Integer, @Nullable Object> results,
                @Nullable Throwable firstException) {
            Objects.requireNonNull(source, "source");
            SortedMap<Integer, String> names = copy(taskNames, "taskNames", false);
            SortedMap<Integer, Throwable> failures = copy(exceptions, "exceptions", false);
            SortedMap<Integer, @Nullable Object> values = copy(results, "results", true);
            SortedSet<Integer> inputs = new TreeSet<>(names.keySet());
            inputs.addAll(failures.keySet());
            inputs.addAll(values.keySet());
            Throwable first =
                    firstException != null || failures.isEmpty() ? firstException : failures.get(failures.firstKey());
            return new Parts(
                    source,
                    Collections.unmodifiableSortedSet(inputs),
                    names,
                    failures,
                    values,
                    first,
                    message(source, inputs.size(), names, failures, first));
        }

        private static <V extends @Nullable Object> SortedMap<Integer, V> copy(
                Map<Integer, V> map, String name, boolean nullValues) {
            Objects.requireNonNull(map, name);
            SortedMap<Integer, V> copy = new TreeMap<>();
            map.forEach((index, value) -> {
                Objects.requireNonNull(index, () -> name + " has a null index");
                if (!nullValues) {
                    Objects.requireNonNull(value, () -> name + " has a null value at index " + index);
                }
                copy.put(index, value);
            });
            return Collections.unmodifiableSortedMap(copy);
        }

        private static String message(
                String source,
                int total,
                Map<Integer, String> names,
                SortedMap<Integer, Throwable> failures,
                @Nullable Throwable first) {
            StringBuilder message = new StringBuilder(source)
                    .append(": ")
                    .append(failures.size())
                    .append(" of ")
                    .append(total)
                    .append(total == 1 ? " task" : " tasks")
                    .append(" failed");
            if (first != null) {
                message.append("; first: ");
                for (Map.Entry<Integer, Throwable> entry : failures.entrySet()) {
                    if (entry.getValue() == first) {
                        String name = names.get(entry.getKey());
                        message.append('[').append(entry.getKey()).append("] ");
                        message.append(name == null ? "(unnamed)" : "'" + oneLine(name) + "'")
                                .append(' ');
                        break;
                    }
                }
                message.append(describe(first));
            }
            return oneLine(message.toString());
        }
    }
}
