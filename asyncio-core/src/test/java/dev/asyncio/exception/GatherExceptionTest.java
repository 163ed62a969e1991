package dev.asyncio.exception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class GatherExceptionTest {
    private final IOException reset = new IOException("connection reset");
    private final IllegalStateException broken = new IllegalStateException("broken");
    private final CancellationException cancelled = new CancellationException("cancelled by its scope");

    /** Five inputs: 0 and 2 succeeded (2 with null), 1 failed, 3 failed first, 4 did not complete. */
    private GatherException fiveTasks() {
        List<String> inOrder = List.of("load-config", "fetch-orders", "warm-cache", "fetch-users", "audit");
        // Inserted in reverse, and the other maps are hash maps: the exception must sort them itself.
        Map<Integer, String> names = new LinkedHashMap<>();
        for (int i = 4; i >= 0; i--) {
            names.put(i, inOrder.get(i));
        }
        Map<Integer, Throwable> failures = new HashMap<>(Map.of(3, reset, 1, broken));
        Map<Integer, @Nullable Object> results = new HashMap<>();
        results.put(2, null);
        results.put(0, "config");
        return new GatherException("gather (FAIL_FAST)", names, failures, results, reset);
    }

    @Test
    void theMessageIsOneLineNamingTheSourceTheCountsAndTheFirstFailure() {
        assertThat(fiveTasks())
                .isInstanceOf(RuntimeException.class)
                .hasMessage("gather (FAIL_FAST): 2 of 5 tasks failed; first: [3] 'fetch-users' "
                        + "java.io.IOException: connection reset");
    }

    @Test
    void theAccessorsHoldEveryInputSortedByIndex() {
        GatherException e = fiveTasks();

        assertThat(e.source()).isEqualTo("gather (FAIL_FAST)");
        assertThat(e.exceptions()).containsExactly(entry(1, broken), entry(3, reset));
        assertThat(e.results()).containsExactly(entry(0, "config"), entry(2, null));
        assertThat(e.taskNames().keySet()).containsExactly(0, 1, 2, 3, 4);
        assertThat(e.taskNames()).containsEntry(3, "fetch-users");
        assertThat(e.taskCount()).isEqualTo(5);
        assertThat(e.failedCount()).isEqualTo(2);
        assertThat(e.successCount()).isEqualTo(2);
        assertThat(e.hasFailed(3)).isTrue();
        assertThat(e.hasFailed(2)).isFalse();
        assertThat(e.exception(1)).isSameAs(broken);
        assertThat(e.exception(4)).isNull();
        assertThat(e.exception(99)).isNull();
    }

    @Test
    void theMapsAreUnmodifiableCopiesOfTheCallersMaps() {
        Map<Integer, String> names = new HashMap<>(Map.of(0, "a"));
        Map<Integer, Throwable> failures = new HashMap<>(Map.of(0, reset));
        Map<Integer, @Nullable Object> results = new HashMap<>();
        GatherException e = new GatherException("task group", names, failures, results, null);

        names.put(1, "b");
        failures.clear();
        results.put(1, "late");

        assertThat(e.taskNames()).containsOnly(entry(0, "a"));
        assertThat(e.exceptions()).containsOnly(entry(0, reset));
        assertThat(e.results()).isEmpty();
        assertThatThrownBy(() -> e.exceptions().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.results().put(0, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.taskNames().remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theGivenFirstExceptionIsTheCauseAndEveryFailureIsSuppressedInIndexOrder() {
        GatherException e = fiveTasks();

        assertThat(e.firstException()).isSameAs(reset);
        assertThat(e.getCause()).isSameAs(reset);
        assertThat(e.getSuppressed()).containsExactly(broken, reset);
    }

    @Test
    void withoutAFirstExceptionTheLowestIndexFailureIsFirst() {
        GatherException e = new GatherException(
                "gather (WAIT_ALL)", Map.of(0, "a", 1, "b", 2, "c"), Map.of(2, reset, 1, broken), Map.of(), null);

        assertThat(e.firstException()).isSameAs(broken);
        assertThat(e.getCause()).isSameAs(broken);
        assertThat(e)
                .hasMessage("gather (WAIT_ALL): 2 of 3 tasks failed; first: [1] 'b' "
                        + "java.lang.IllegalStateException: broken");
    }

    @Test
    void withoutFailuresThereIsNoFirstExceptionAndNoCause() {
        GatherException e = new GatherException("gather (WAIT_ALL)", Map.of(0, "only"), Map.of(), Map.of(0, 1), null);

        assertThat(e.firstException()).isNull();
        assertThat(e.getCause()).isNull();
        assertThat(e.getSuppressed()).isEmpty();
        assertThat(e).hasMessage("gather (WAIT_ALL): 0 of 1 task failed");
        assertThat(e.toJson()).contains("\"firstFailureIndex\":null");
    }

    @Test
    void theDetailedReportHasAHeaderAndOneLinePerInputInIndexOrder() {
        String report = fiveTasks().detailedReport();

        assertThat(report.split("\n"))
                .containsExactly(
                        "gather (FAIL_FAST): 2 of 5 tasks failed, 2 succeeded, 1 not completed",
                        "  [0] 'load-config' OK",
                        "  [1] 'fetch-orders' FAILED java.lang.IllegalStateException: broken",
                        "  [2] 'warm-cache' OK",
                        "  [3] 'fetch-users' FAILED java.io.IOException: connection reset <- first failure",
                        "  [4] 'audit' NOT COMPLETED");
    }

    @Test
    void theReportMarksCancelledFailuresAndKeepsEachInputOnOneLine() {
        GatherException e = new GatherException(
                "task group",
                Map.of(0, "two\nlines"),
                Map.of(0, cancelled, 1, new IllegalStateException()),
                Map.of(),
                null);

        assertThat(e.detailedReport().split("\n"))
                .containsExactly(
                        "task group: 2 of 2 tasks failed, 0 succeeded, 0 not completed",
                        "  [0] 'two lines' FAILED (cancelled) java.util.concurrent.CancellationException: "
                                + "cancelled by its scope <- first failure",
                        "  [1] (unnamed) FAILED java.lang.IllegalStateException");
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void aFirstExceptionThatIsNotAmongTheInputsIsStillReported() {
        RuntimeException elsewhere = new RuntimeException("elsewhere");
        GatherException e = new GatherException("task group", Map.of(0, "a"), Map.of(0, reset), Map.of(), elsewhere);

        assertThat(e.getCause()).isSameAs(elsewhere);
        assertThat(e).hasMessage("task group: 1 of 1 task failed; first: java.lang.RuntimeException: elsewhere");
        assertThat(e.detailedReport()).endsWith("\n  first failure: java.lang.RuntimeException: elsewhere");
        assertThat(e.toJson()).contains("\"firstFailureIndex\":null");
    }

    @Test
    void theJsonIsValidAndDescribesEveryInput() {
        Object parsed = StrictJson.parse(fiveTasks().toJson());

        assertThat(parsed)
                .isEqualTo(Map.of(
                        "source", "gather (FAIL_FAST)",
                        "total", 5L,
                        "failed", 2L,
                        "succeeded", 2L,
                        "firstFailureIndex", 3L,
                        "tasks",
                                List.of(
                                        Map.of("index", 0L, "name", "load-config", "status", "completed"),
                                        Map.of(
                                                "index",
                                                1L,
                                                "name",
                                                "fetch-orders",
                                                "status",
                                                "failed",
                                                "exception",
                                                Map.of(
                                                        "type", "java.lang.IllegalStateException",
                                                        "message", "broken")),
                                        Map.of("index", 2L, "name", "warm-cache", "status", "completed"),
                                        Map.of(
                                                "index",
                                                3L,
                                                "name",
                                                "fetch-users",
                                                "status",
                                                "failed",
                                                "exception",
                                                Map.of(
                                                        "type", "java.io.IOException",
                                                        "message", "connection reset")),
                                        Map.of("index", 4L, "name", "audit", "status", "not completed"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCancellationIsReportedAsCancelledAndMissingNamesAndMessagesAreJsonNull() {
        GatherException e = new GatherException(
                "task group", Map.of(0, "c"), Map.of(0, cancelled, 1, new IllegalStateException()), Map.of(), null);

        List<Map<String, @Nullable Object>> tasks = tasks(StrictJson.parseObject(e.toJson()));

        assertThat(tasks.get(0)).containsEntry("status", "cancelled");
        assertThat(tasks.get(1)).containsEntry("name", null).containsEntry("status", "failed");
        assertThat((Map<String, @Nullable Object>) tasks.get(1).get("exception"))
                .containsOnly(entry("type", "java.lang.IllegalStateException"), entry("message", null));
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedInJson() {
        String name = "say \"hi\"\\ \n\t\r\b\f \u0001\u001f \u2028\u2029 /";
        String message = "line one\nline \"two\"";
        GatherException e = new GatherException(
                "source \"quoted\"", Map.of(0, name), Map.of(0, new IllegalStateException(message)), Map.of(), null);

        String json = e.toJson();

        assertThat(json)
                .contains("say \\\"hi\\\"\\\\ \\n\\t\\r\\b\\f \\u0001\\u001f \\u2028\\u2029 /")
                .contains("line one\\nline \\\"two\\\"")
                .doesNotContain("\n");
        assertThat(json.chars()).noneMatch(c -> c < 0x20);
        Map<String, @Nullable Object> parsed = StrictJson.parseObject(json);
        assertThat(parsed).containsEntry("source", "source \"quoted\"");
        assertThat(tasks(parsed).get(0)).containsEntry("name", name);
        assertThat(tasks(parsed).get(0).get("exception"))
                .isEqualTo(Map.of("type", "java.lang.IllegalStateException", "message", message));
    }

    /** Any string, including unpaired surrogates and every control character, survives a JSON round trip. */
    @Test
    void everyNameSurvivesAJsonRoundTrip() {
        Random random = new Random(8_259L);
        for (int round = 0; round < 2_000; round++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                // Half from the ASCII range with its control characters, half from anywhere, surrogates too.
                chars[i] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String name = new String(chars);
            GatherException e = new GatherException("s", Map.of(7, name), Map.of(), Map.of(), null);

            assertThat(tasks(StrictJson.parseObject(e.toJson())).get(0)).containsEntry("name", name);
        }
    }

    @Test
    void anEmptyGatherExceptionIsWellFormed() {
        GatherException e = new GatherException("gather (WAIT_ALL)", Map.of(), Map.of(), Map.of(), null);

        Map<String, @Nullable Object> json = StrictJson.parseObject(e.toJson());

        assertThat(e).hasMessage("gather (WAIT_ALL): 0 of 0 tasks failed");
        assertThat(e.detailedReport())
                .isEqualTo("gather (WAIT_ALL): 0 of 0 tasks failed, 0 succeeded, 0 not completed");
        assertThat(json)
                .containsEntry("total", 0L)
                .containsEntry("failed", 0L)
                .containsEntry("succeeded", 0L)
                .containsEntry("firstFailureIndex", null)
                .containsEntry("tasks", List.of());
    }

    @Test
    void itSurvivesJavaSerializationWhenItsContentsDo() throws Exception {
        GatherException original = fiveTasks();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        GatherException copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (GatherException) in.readObject();
        }

        assertThat(copy).hasMessage(original.getMessage());
        assertThat(copy.toJson()).isEqualTo(original.toJson());
        assertThat(copy.detailedReport()).isEqualTo(original.detailedReport());
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void nullArgumentsAreRejectedNamingTheParameter() {
        Map<Integer, @Nullable Object> withNullResult = new HashMap<>();
        withNullResult.put(0, null);
        Map<Integer, Throwable> withNullFailure = new HashMap<>();
        withNullFailure.put(4, null);

        assertThatThrownBy(() -> new GatherException(null, Map.of(), Map.of(), Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("source");
        assertThatThrownBy(() -> new GatherException("s", null, Map.of(), Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("taskNames");
        assertThatThrownBy(() -> new GatherException("s", Map.of(), null, Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("exceptions");
        assertThatThrownBy(() -> new GatherException("s", Map.of(), Map.of(), null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("results");
        assertThatThrownBy(() -> new GatherException("s", Map.of(), withNullFailure, Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("exceptions has a null value at index 4");
        assertThat(new GatherException("s", Map.of(), Map.of(), withNullResult, null).results())
                .containsExactly(entry(0, null));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, @Nullable Object>> tasks(Map<String, @Nullable Object> json) {
        return (List<Map<String, @Nullable Object>>) Objects.requireNonNull(json.get("tasks"), "tasks");
    }
}
