package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.Asyncio;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.GatherException;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.testing.LoopAssertions;
import dev.asyncio.testing.SeededTrials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * A randomized, seeded, model-based stress test of gather, gatherOutcomes and task groups.
 *
 * <p>Each trial builds 1-40 tasks whose bodies return at once, return after a latch the test releases in random
 * order, throw an unchecked, a checked exception or (rarely) an Error, are cancelled by the test (before or while
 * running) or cancel a sibling. They are gathered with a random strategy, through {@code gatherOutcomes} or a
 * {@link TaskGroup} ({@code waitAll} or {@code run}), on a plain thread or from a task that is sometimes cancelled.
 * Every input's final state is checked against what its kind allows and against who may have cancelled it (read from
 * the cancellation message), then the gather's answer is checked against the final states: results in input order,
 * {@code GatherException.exceptions()} exactly the failed and foreign-cancelled inputs, every input ended when the
 * gather returns or throws, done callbacks run exactly once, those added before the task was done in the order they
 * were added (some are added while the task ends, some from inside another callback), no interrupt left set, and the
 * loop's counters balance and match the observed states.
 *
 * <p>{@code -Dgather.model.trials=N} runs N trials (default 100, a few seconds); {@code -Dgather.model.seed=S} replays one trial
 * seed, printed in every assertion message.
 */
class GatherModelStressTest {
    private static final String TEST_REASON = "model-test-cancel";
    private static final String SIBLING_REASON = "model-sibling-cancel";
    private static final Duration BOUND = Duration.ofSeconds(15);

    enum Kind {
        VALUE,
        LATCH_VALUE,
        THROW_RUNTIME,
        THROW_CHECKED,
        THROW_ERROR,
        CANCEL_TARGET,
        CANCEL_SIBLING
    }

    enum Mode {
        FAIL_FAST,
        WAIT_ALL,
        RETURN_PARTIAL,
        OUTCOMES,
        GROUP_WAIT_ALL,
        GROUP_RUN;

        boolean group() {
            return this == GROUP_WAIT_ALL || this == GROUP_RUN;
        }
    }

    static final class CheckedBoom extends Exception {
        CheckedBoom(String message) {
            super(message);
        }
    }

    static final class ErrorBoom extends Error {
        ErrorBoom(String message) {
            super(message);
        }
    }

    private static ConditionFactory bounded() {
        return SeededTrials.bounded(BOUND);
    }

    @Test
    void gatherAndGroupsFollowTheModel() throws Exception {
        String ran = SeededTrials.run("gather.model", 100, seed -> new Trial(seed).run());
        System.out.println("GatherModelStressTest: " + ran);
    }

    /** One random batch, gathered once, checked against the model. */
    private static final class Trial {
        final long seed;
        final Random random;
        final String tag;
        final int n;
        final Kind[] kinds;
        final boolean[] waits;
        final int[] siblingTarget;
        final RuntimeException[] runtimeFailures;
        final CheckedBoom[] checkedFailures;
        final ErrorBoom[] errors;
        final CountDownLatch[] gates;
        final CountDownLatch ready = new CountDownLatch(1);
        final AtomicReferenceArray<Task<Integer>> handles;
        final List<Queue<Integer>> callbackLogs = new ArrayList<>();
        final List<List<Integer>> expectedTopCallbacks = new ArrayList<>();
        /** Per input, the top-level callbacks added while it was not done yet: these run in the order added. */
        final List<List<Integer>> queuedTopCallbacks = new ArrayList<>();

        final List<Set<Integer>> expectedNested = new ArrayList<>();
        final Queue<String> callbackViolations = new ConcurrentLinkedQueue<>();
        final Mode mode;
        final boolean fromTask;
        final boolean cancelGatherer;
        final Integer limit;

        Trial(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.n = 1 + random.nextInt(40);
            this.mode = Mode.values()[random.nextInt(Mode.values().length)];
            this.fromTask = mode.group() || random.nextBoolean();
            this.cancelGatherer = fromTask && random.nextInt(5) == 0;
            this.limit = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : null;
            this.kinds = new Kind[n];
            this.waits = new boolean[n];
            this.siblingTarget = new int[n];
            this.runtimeFailures = new RuntimeException[n];
            this.checkedFailures = new CheckedBoom[n];
            this.errors = new ErrorBoom[n];
            this.gates = new CountDownLatch[n];
            this.handles = new AtomicReferenceArray<>(n);
            // the bias of this trial: how likely a task is to fail, so some trials have no failures at all
            int failPercent = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
            for (int i = 0; i < n; i++) {
                int roll = random.nextInt(100);
                Kind kind;
                if (roll < failPercent) {
                    kind = random.nextInt(20) == 0
                            ? Kind.THROW_ERROR
                            : random.nextBoolean() ? Kind.THROW_RUNTIME : Kind.THROW_CHECKED;
                } else {
                    int r = random.nextInt(100);
                    kind = r < 35
                            ? Kind.VALUE
                            : r < 75 ? Kind.LATCH_VALUE : r < 88 ? Kind.CANCEL_TARGET : Kind.CANCEL_SIBLING;
                }
                if (kind == Kind.CANCEL_SIBLING && n == 1) {
                    kind = Kind.VALUE;
                }
                kinds[i] = kind;
                waits[i] = kind == Kind.LATCH_VALUE
                        || kind == Kind.CANCEL_TARGET
                        // in a group an early failure cancels the group and a later spawn throws, by contract:
                        // a failing task there waits for its gate, which opens once every task is spawned
                        || (kind.name().startsWith("THROW") && (mode.group() || random.nextBoolean()));
                if (kind == Kind.CANCEL_SIBLING) {
                    int target = random.nextInt(n - 1);
                    siblingTarget[i] = target >= i ? target + 1 : target;
                }
                runtimeFailures[i] = new IllegalStateException("runtime failure of " + i);
                checkedFailures[i] = new CheckedBoom("checked failure of " + i);
                errors[i] = new ErrorBoom("error of " + i);
                gates[i] = new CountDownLatch(1);
                callbackLogs.add(new ConcurrentLinkedQueue<>());
                expectedTopCallbacks.add(new ArrayList<>());
                queuedTopCallbacks.add(new ArrayList<>());
                expectedNested.add(new LinkedHashSet<>());
            }
            this.tag = "[seed=" + seed + " n=" + n + " mode=" + mode + " fromTask=" + fromTask + " cancelGatherer="
                    + cancelGatherer + " limit=" + limit + " kinds=" + List.of(kinds) + "]";
        }

        static int valueOf(int i) {
            return 1000 + i;
        }

        Callable<Integer> body(int i) {
            return () -> {
                if (kinds[i] == Kind.CANCEL_SIBLING) {
                    ready.await();
                    handles.get(siblingTarget[i]).cancel(SIBLING_REASON);
                    return valueOf(i);
                }
                if (waits[i]) {
                    gates[i].await(); // a CANCEL_TARGET's gate opens only in the final cleanup
                }
                return switch (kinds[i]) {
                    case THROW_RUNTIME -> throw runtimeFailures[i];
                    case THROW_CHECKED -> throw checkedFailures[i];
                    case THROW_ERROR -> throw errors[i];
                    default -> valueOf(i);
                };
            };
        }

        /** Adds the next top-level callback of input {@code i}; sometimes it adds a nested one when it runs. */
        void addCallback(int i) {
            List<Integer> expected = expectedTopCallbacks.get(i);
            int id = expected.size();
            boolean nests = random.nextInt(3) == 0;
            expected.add(id);
            if (nests) {
                expectedNested.get(i).add(10_000 + id);
            }
            Task<Integer> task = handles.get(i);
            Queue<Integer> log = callbackLogs.get(i);
            task.addDoneCallback(done -> {
                checkCallbackContext(i, id, done);
                log.add(id);
                if (nests) {
                    done.addDoneCallback(again -> {
                        checkCallbackContext(i, 10_000 + id, again);
                        log.add(10_000 + id);
                    });
                }
            });
            if (!task.isDone()) { // added before the task was done: queued, so it runs in order (one added later
                queuedTopCallbacks.get(i).add(id); // runs at once, possibly while earlier ones still run)
            }
        }

        void checkCallbackContext(int i, int id, Task<?> done) {
            if (!done.isDone()) {
                callbackViolations.add("callback " + id + " of input " + i + " ran before its task was done");
            }
            if (Thread.currentThread().isInterrupted()) {
                callbackViolations.add("callback " + id + " of input " + i + " ran with the interrupt set");
            }
            if (Asyncio.currentTask() != null) {
                callbackViolations.add("callback " + id + " of input " + i + " ran with a current task");
            }
        }

        void run() throws Exception {
            EventLoop.Builder builder = EventLoop.builder().name("model-" + seed);
            if (limit != null) {
                builder.maxConcurrentTasks(limit);
            }
            EventLoop loop = builder.build();
            AtomicReference<Object> answer = new AtomicReference<>(); // the gather's result, or what it threw
            AtomicReference<Boolean> allEndedAtAnswer = new AtomicReference<>();
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            CountDownLatch published = new CountDownLatch(1);
            Task<Object> gatherer = null;
            Thread plain = null;
            try {
                if (mode.group()) {
                    gatherer = loop.createTask("gatherer", () -> {
                        gatherThroughGroup(published, answer, allEndedAtAnswer, interruptedAfter);
                        return null;
                    });
                    assertThat(published.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                            .as("group never published its tasks %s", tag)
                            .isTrue();
                    assertThat(allSpawned())
                            .as("group did not spawn every task %s: %s", tag, answer.get())
                            .isTrue();
                } else {
                    for (int i = 0; i < n; i++) {
                        handles.set(i, loop.createTask("in-" + i, body(i)));
                    }
                }
                // callbacks added before anything is released (the task may already be done: then they run here)
                for (int i = 0; i < n; i++) {
                    int count = random.nextInt(3);
                    for (int c = 0; c < count; c++) {
                        addCallback(i);
                    }
                }
                // cancelled by the test early: PENDING under a limit, or RUNNING before its first blocking call
                List<Runnable> events = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int index = i;
                    boolean early = kinds[i] == Kind.CANCEL_TARGET ? random.nextInt(3) == 0 : random.nextInt(20) == 0;
                    if (early) {
                        handles.get(i).cancel(TEST_REASON);
                    } else if (kinds[i] == Kind.CANCEL_TARGET || random.nextInt(12) == 0) {
                        events.add(() -> handles.get(index).cancel(TEST_REASON));
                    }
                    if (waits[i] && kinds[i] != Kind.CANCEL_TARGET) {
                        events.add(() -> gates[index].countDown());
                    }
                    if (random.nextInt(3) == 0) {
                        events.add(() -> addCallback(index));
                    }
                }
                ready.countDown();
                if (!mode.group()) {
                    Callable<Object> gather = () -> {
                        gatherDirectly(answer, allEndedAtAnswer, interruptedAfter);
                        return null;
                    };
                    if (fromTask) {
                        gatherer = loop.createTask("gatherer", gather);
                    } else {
                        plain = Thread.ofPlatform()
                                .name("plain-gatherer-" + seed)
                                .start(() -> {
                                    try {
                                        gather.call();
                                    } catch (Exception e) {
                                        answer.compareAndSet(null, e);
                                    }
                                });
                    }
                }
                if (cancelGatherer) {
                    Task<Object> toCancel = gatherer;
                    events.add(() -> toCancel.cancel(TEST_REASON));
                }
                Collections.shuffle(events, random);
                for (Runnable event : events) {
                    event.run();
                }
                // everything ends without more help from the test: every gate was released or its task cancelled
                if (plain != null) {
                    plain.join(BOUND);
                    assertThat(plain.isAlive())
                            .as("plain gatherer still blocked %s", tag)
                            .isFalse();
                }
                if (gatherer != null) {
                    Task<Object> g = gatherer;
                    bounded().until(g::isDone);
                }
                bounded().until(() -> allDone());
                check(loop, gatherer, answer, allEndedAtAnswer, interruptedAfter);
            } finally {
                ready.countDown();
                for (CountDownLatch gate : gates) {
                    gate.countDown();
                }
                if (plain != null && plain.isAlive()) {
                    plain.interrupt();
                }
                boolean closed = loop.close(BOUND);
                assertThat(closed).as("loop did not close %s", tag).isTrue();
            }
            LoopStats after = loop.stats();
            assertBalanced(after, "after close");
            assertThat(Thread.currentThread().isInterrupted())
                    .as("test thread interrupted %s", tag)
                    .isFalse();
        }

        boolean allSpawned() {
            for (int i = 0; i < n; i++) {
                if (handles.get(i) == null) {
                    return false;
                }
            }
            return true;
        }

        boolean allDone() {
            for (int i = 0; i < n; i++) {
                Task<Integer> task = handles.get(i);
                if (task == null || !task.isDone()) {
                    return false;
                }
            }
            return true;
        }

        void gatherDirectly(
                AtomicReference<Object> answer,
                AtomicReference<Boolean> allEndedAtAnswer,
                AtomicReference<Boolean> interruptedAfter) {
            List<Task<Integer>> inputs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inputs.add(handles.get(i));
            }
            try {
                Object result = switch (mode) {
                    case FAIL_FAST -> Asyncio.gather(inputs, GatherStrategy.FAIL_FAST);
                    case WAIT_ALL -> Asyncio.gather(inputs, GatherStrategy.WAIT_ALL);
                    case RETURN_PARTIAL -> Asyncio.gather(inputs, GatherStrategy.RETURN_PARTIAL);
                    case OUTCOMES -> Asyncio.gatherOutcomes(inputs);
                    default -> throw new AssertionError(mode);
                };
                allEndedAtAnswer.set(allDone());
                answer.set(result);
            } catch (Throwable thrown) {
                allEndedAtAnswer.set(allDone());
                answer.set(thrown);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }

        void gatherThroughGroup(
                CountDownLatch published,
                AtomicReference<Object> answer,
                AtomicReference<Boolean> allEndedAtAnswer,
                AtomicReference<Boolean> interruptedAfter) {
            try {
                if (mode == Mode.GROUP_RUN) {
                    Object value = TaskGroup.run(group -> {
                        spawnAll(group);
                        published.countDown();
                        return "body-value";
                    });
                    allEndedAtAnswer.set(allDone());
                    answer.set(value);
                } else {
                    try (TaskGroup group = TaskGroup.open()) {
                        spawnAll(group);
                        published.countDown();
                        group.waitAll();
                    }
                    allEndedAtAnswer.set(allDone());
                    answer.set("waited");
                }
            } catch (Throwable thrown) {
                allEndedAtAnswer.set(allDone());
                answer.set(thrown);
            } finally {
                published.countDown();
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }

        void spawnAll(TaskGroup group) {
            for (int i = 0; i < n; i++) {
                handles.set(i, group.spawn("in-" + i, body(i)));
            }
        }

        /** Who cancelled a cancelled input, read from its cancellation message. */
        String causeOf(Task<?> task) {
            Throwable e = task.exception();
            String message = e == null ? "" : String.valueOf(e.getMessage());
            if (message.contains(TEST_REASON)) {
                return "test";
            }
            if (message.contains(SIBLING_REASON)) {
                return "sibling";
            }
            if (message.contains("gather (FAIL_FAST)")) {
                return "gather";
            }
            if (message.contains("task group")) {
                return "group";
            }
            return "unknown: " + message;
        }

        void check(
                EventLoop loop,
                Task<Object> gatherer,
                AtomicReference<Object> answer,
                AtomicReference<Boolean> allEndedAtAnswer,
                AtomicReference<Boolean> interruptedAfter) {
            TaskState[] states = new TaskState[n];
            String[] causes = new String[n];
            for (int i = 0; i < n; i++) {
                states[i] = handles.get(i).state();
                causes[i] = states[i] == TaskState.CANCELLED ? causeOf(handles.get(i)) : null;
            }
            String where = tag + " states=" + List.of(states) + " causes=" + java.util.Arrays.toString(causes)
                    + " answer=" + answer.get();
            boolean gathererCancelled = gatherer != null && gatherer.state() == TaskState.CANCELLED;
            boolean anyFailed = false;
            boolean anyForeignCancelled = false;
            for (int i = 0; i < n; i++) {
                anyFailed |= states[i] == TaskState.FAILED;
                anyForeignCancelled |= "test".equals(causes[i]) || "sibling".equals(causes[i]);
            }

            // 1. every input's final state is one its kind allows, with an allowed cause
            for (int i = 0; i < n; i++) {
                Task<Integer> task = handles.get(i);
                String at = "input " + i + " (" + kinds[i] + ") " + where;
                switch (states[i]) {
                    case COMPLETED -> {
                        assertThat(kinds[i]).as(at).isIn(Kind.VALUE, Kind.LATCH_VALUE, Kind.CANCEL_SIBLING);
                        assertThat(task.result()).as(at).isEqualTo(valueOf(i));
                    }
                    case FAILED -> {
                        Throwable expected = switch (kinds[i]) {
                            case THROW_RUNTIME -> runtimeFailures[i];
                            case THROW_CHECKED -> checkedFailures[i];
                            case THROW_ERROR -> errors[i];
                            default -> null;
                        };
                        assertThat(expected).as("unexpected FAILED " + at).isNotNull();
                        assertThat(task.exception()).as(at).isSameAs(expected);
                    }
                    case CANCELLED -> {
                        assertThat(task.exception()).as(at).isInstanceOf(TaskCancelledException.class);
                        switch (causes[i]) {
                            case "test", "sibling" -> {}
                            case "gather" -> {
                                assertThat(mode).as("gather-cancelled " + at).isEqualTo(Mode.FAIL_FAST);
                                assertThat(anyFailed || anyForeignCancelled)
                                        .as("FAIL_FAST cancelled an input with no failure " + at)
                                        .isTrue();
                            }
                            case "group" -> {
                                assertThat(mode.group())
                                        .as("group-cancelled " + at)
                                        .isTrue();
                                assertThat(anyFailed || gathererCancelled)
                                        .as("group cancelled an input with no failure and no cancelled waiter " + at)
                                        .isTrue();
                            }
                            default -> throw new AssertionError("cancelled by an unknown cause " + at);
                        }
                    }
                    default -> throw new AssertionError("not terminal " + at);
                }
            }

            // 2. the gather's answer against the final states
            Object got = answer.get();
            if (got == null) { // a gatherer cancelled before its body began (PENDING, or started but not in it) never
                // runs it
                assertThat(cancelGatherer).as("no answer " + where).isTrue();
                assertThat(gatherer.state()).as("no answer " + where).isEqualTo(TaskState.CANCELLED);
            } else {
                checkGathered(got, gatherer, states, causes, where, allEndedAtAnswer, interruptedAfter);
            }
            if (gatherer != null && !cancelGatherer) {
                assertThat(gatherer.state()).as("gatherer " + where).isEqualTo(TaskState.COMPLETED);
            }
            checkCallbacks(where);
            checkStats(loop, gatherer, states, where);
        }

        void checkGathered(
                Object got,
                Task<Object> gatherer,
                TaskState[] states,
                String[] causes,
                String where,
                AtomicReference<Boolean> allEndedAtAnswer,
                AtomicReference<Boolean> interruptedAfter) {
            // a cancelled gather leaves its inputs running, except a task group, which cancels and awaits them
            if (!(got instanceof TaskCancelledException) || mode.group()) {
                assertThat(allEndedAtAnswer.get())
                        .as("an input was still running when the gather answered " + where)
                        .isTrue();
            }
            if (got instanceof TaskCancelledException) {
                assertThat(cancelGatherer)
                        .as("gather cancelled though nobody cancelled it " + where)
                        .isTrue();
            } else {
                // a gather waiting for the inputs it cancelled keeps the interrupt of a cancellation that arrives
                // meanwhile (tasks-and-cancellation.md), so only a gatherer nobody cancelled must be clear
                if (gatherer == null || !gatherer.isCancelled()) {
                    assertThat(interruptedAfter.get())
                            .as("gathering thread left interrupted " + where)
                            .isFalse();
                }
                checkAnswer(got, states, causes, where);
            }
        }

        void checkCallbacks(String where) {

            // 3. done callbacks: each exactly once; top-level ones added before the task was done in the order added
            // (one added once it is done runs at once, DESIGN.md); nested ones after their parent
            for (int i = 0; i < n; i++) {
                int index = i;
                int expectedCount = expectedTopCallbacks.get(i).size()
                        + expectedNested.get(i).size();
                bounded().until(() -> callbackLogs.get(index).size() >= expectedCount);
                List<Integer> log = List.copyOf(callbackLogs.get(i));
                String at = "callbacks of input " + i + " log=" + log + " " + where;
                assertThat(log).as(at).hasSize(expectedCount);
                assertThat(log.stream().filter(id -> id < 10_000).toList())
                        .as(at)
                        .containsExactlyInAnyOrderElementsOf(expectedTopCallbacks.get(i));
                List<Integer> queued = queuedTopCallbacks.get(i);
                assertThat(log.stream().filter(queued::contains).toList())
                        .as(at)
                        .isEqualTo(queued);
                assertThat(log.stream().filter(id -> id >= 10_000).toList())
                        .as(at)
                        .containsExactlyInAnyOrderElementsOf(expectedNested.get(i));
                for (int nested : expectedNested.get(i)) {
                    assertThat(log.indexOf(nested)).as(at).isGreaterThan(log.indexOf(nested - 10_000));
                }
            }
            assertThat(callbackViolations).as(where).isEmpty();
        }

        void checkStats(EventLoop loop, Task<Object> gatherer, TaskState[] states, String where) {

            // 4. the loop's counters balance and match what was observed
            bounded().until(() -> loop.stats().active() == 0 && loop.stats().pending() == 0);
            LoopStats stats = loop.stats();
            assertBalanced(stats, where);
            Map<TaskState, Long> counts = new HashMap<>();
            for (TaskState state : states) {
                counts.merge(state, 1L, Long::sum);
            }
            if (gatherer != null) {
                counts.merge(gatherer.state(), 1L, Long::sum);
            }
            assertThat(stats.created()).as("created " + stats + where).isEqualTo(n + (gatherer == null ? 0L : 1L));
            assertThat(stats.completed())
                    .as("completed " + stats + where)
                    .isEqualTo(counts.getOrDefault(TaskState.COMPLETED, 0L));
            assertThat(stats.failed())
                    .as("failed " + stats + where)
                    .isEqualTo(counts.getOrDefault(TaskState.FAILED, 0L));
            assertThat(stats.cancelled())
                    .as("cancelled " + stats + where)
                    .isEqualTo(counts.getOrDefault(TaskState.CANCELLED, 0L));
        }

        void assertBalanced(LoopStats stats, String where) {
            LoopAssertions.assertSettled(stats, tag + " " + where);
        }

        @SuppressWarnings("unchecked")
        void checkAnswer(Object got, TaskState[] states, String[] causes, String where) {
            List<Integer> completedValues = new ArrayList<>();
            Set<Integer> failedIndexes = new LinkedHashSet<>();
            Set<Integer> foreignBad = new LinkedHashSet<>(); // failed, or cancelled by someone else than the gather
            Set<Integer> completedIndexes = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                if (states[i] == TaskState.COMPLETED) {
                    completedValues.add(valueOf(i));
                    completedIndexes.add(i);
                } else if (states[i] == TaskState.FAILED) {
                    failedIndexes.add(i);
                    foreignBad.add(i);
                } else if ("test".equals(causes[i]) || "sibling".equals(causes[i])) {
                    foreignBad.add(i);
                }
            }
            switch (mode) {
                case FAIL_FAST, WAIT_ALL -> {
                    if (foreignBad.isEmpty()) {
                        assertThat(got).as("should have returned " + where).isInstanceOf(List.class);
                        assertThat((List<Integer>) got).as(where).isEqualTo(completedValues);
                        assertThat(completedValues).as(where).hasSize(n);
                    } else {
                        assertThat(got).as("should have thrown " + where).isInstanceOf(GatherException.class);
                        GatherException e = (GatherException) got;
                        if (mode == Mode.WAIT_ALL) {
                            assertThat(failedIndexes.size() + countCancelled(states))
                                    .as(where)
                                    .isEqualTo(foreignBad.size());
                        }
                        checkGatherException(e, foreignBad, completedIndexes, where);
                    }
                }
                case RETURN_PARTIAL -> {
                    assertThat(got).as("should have returned " + where).isInstanceOf(List.class);
                    assertThat((List<Integer>) got).as(where).isEqualTo(completedValues);
                }
                case OUTCOMES -> {
                    assertThat(got).as("should have returned " + where).isInstanceOf(List.class);
                    List<Outcome<Integer>> outcomes = (List<Outcome<Integer>>) got;
                    assertThat(outcomes).as(where).hasSize(n);
                    for (int i = 0; i < n; i++) {
                        Outcome<Integer> outcome = outcomes.get(i);
                        String at = "outcome " + i + " " + where;
                        switch (states[i]) {
                            case COMPLETED -> assertThat(outcome).as(at).isEqualTo(new Outcome.Success<>(valueOf(i)));
                            case FAILED -> {
                                assertThat(outcome).as(at).isInstanceOf(Outcome.Failure.class);
                                assertThat(((Outcome.Failure<Integer>) outcome).error())
                                        .as(at)
                                        .isSameAs(handles.get(i).exception());
                            }
                            default -> assertThat(outcome).as(at).isInstanceOf(Outcome.Cancelled.class);
                        }
                    }
                }
                case GROUP_WAIT_ALL, GROUP_RUN -> {
                    if (failedIndexes.isEmpty()) {
                        assertThat(got)
                                .as("group should have succeeded " + where)
                                .isEqualTo(mode == Mode.GROUP_RUN ? "body-value" : "waited");
                    } else {
                        assertThat(got).as("group should have thrown " + where).isInstanceOf(GatherException.class);
                        checkGatherException((GatherException) got, failedIndexes, completedIndexes, where);
                    }
                }
            }
        }

        int countCancelled(TaskState[] states) {
            int count = 0;
            for (TaskState state : states) {
                if (state == TaskState.CANCELLED) {
                    count++;
                }
            }
            return count;
        }

        void checkGatherException(GatherException e, Set<Integer> bad, Set<Integer> completed, String where) {
            String at = "GatherException " + e.exceptions().keySet() + " " + where;
            assertThat(e.exceptions().keySet()).as(at).containsExactlyInAnyOrderElementsOf(bad);
            for (int i : bad) {
                assertThat(e.exceptions().get(i)).as(at).isSameAs(handles.get(i).exception());
            }
            assertThat(e.results().keySet()).as(at).containsExactlyInAnyOrderElementsOf(completed);
            for (int i : completed) {
                assertThat(e.results().get(i)).as(at).isEqualTo(valueOf(i));
            }
            assertThat(e.taskNames()).as(at).hasSize(n);
            assertThat(e.firstException()).as(at).isNotNull();
            assertThat(e.exceptions().values()).as(at).contains(e.firstException());
        }
    }
}
