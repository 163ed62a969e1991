package dev.asyncio.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asyncio.core.EventLoop;
import dev.asyncio.core.LoopStats;
import dev.asyncio.core.Suspension;
import dev.asyncio.core.Task;
import dev.asyncio.core.TaskState;
import dev.asyncio.exception.QueueShutdownException;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.testing.LoopAssertions;
import dev.asyncio.testing.SeededTrials;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * A randomized, seeded, model-based stress test of {@link Semaphore} and {@link AsyncQueue} under cancellation and
 * shutdown.
 *
 * <p>Each trial builds a fresh loop (sometimes with {@code maxConcurrentTasks(2..4)}), a semaphore with 1-3 permits
 * and a bounded or unbounded queue, and 2-20 worker tasks that each run a random sequence of {@code put}, {@code
 * tryPut}, {@code get}, {@code tryGet}, {@code taskDone}, {@code join}, {@code acquire}, {@code tryAcquire()}, {@code
 * tryAcquire(timeout)} and {@code withPermit}. The test cancels random workers at random moments (measured in
 * operations done, never in time) and sometimes shuts the queue down mid-trial; it always shuts it down at the end and
 * drains it. The model checks: every item is got exactly once if its put succeeded and never if its put was refused,
 * cancelled or shut out; items of one producer come out to any one consumer in the order they were put; a put started
 * after {@code shutdown()} returned is refused, a {@code get} throws {@code QueueShutdownException} only once the queue
 * is shut down; {@code join()} returns only after every item put before it was called has been {@code taskDone}'d and
 * {@code taskDone} once more than items put throws; never more semaphore holders than permits, and at the end every
 * permit is free and a release throws; the semaphore's {@code acquired}/{@code released} counters match the model;
 * every {@code TaskCancelledException} comes from a test cancel and leaves the interrupt status cleared; in about half
 * of the trials a FIFO probe queues waiters one by one, cancels some, and checks the others get the permit in arrival
 * order; finally the loop's counters balance and match the workers' states.
 *
 * <p>{@code -Dqueue.model.trials=N} runs N trials (default 100, a few seconds); {@code -Dqueue.model.seed=S} replays one
 * trial seed, printed in every assertion message.
 */
class QueueSemaphoreModelStressTest {
    private static final String TEST_REASON = "queue-model-cancel";
    private static final Duration BOUND = Duration.ofSeconds(15);
    /** Coverage over all trials, printed at the end: cancellations seen, shutdown refusals, items moved. */
    private static final AtomicLong CANCELS_SEEN = new AtomicLong();

    private static final AtomicLong SHUTDOWN_SEEN = new AtomicLong();
    private static final AtomicLong ITEMS_MOVED = new AtomicLong();

    enum Op {
        PUT,
        TRY_PUT,
        GET,
        TRY_GET,
        TASK_DONE,
        JOIN,
        ACQUIRE,
        TRY_ACQUIRE,
        TRY_ACQUIRE_TIMEOUT,
        WITH_PERMIT
    }

    private static ConditionFactory bounded() {
        return SeededTrials.bounded(BOUND);
    }

    @Test
    void queueAndSemaphoreFollowTheModel() throws Exception {
        String ran = SeededTrials.run("queue.model", 100, seed -> new Trial(seed).run());
        System.out.printf(
                "QueueSemaphoreModelStressTest: %s; %d cancellations, %d shutdown refusals, %d items moved%n",
                ran, CANCELS_SEEN.get(), SHUTDOWN_SEEN.get(), ITEMS_MOVED.get());
    }

    /** One random workload, checked against the model. */
    private static final class Trial {
        final long seed;
        final Random random;
        final String tag;
        final int n;
        final Integer limit;
        final int permits;
        final int capacity;
        final boolean midShutdown;
        final boolean fifoProbe;
        final Op[][] plans;
        final Semaphore semaphore;
        final AsyncQueue<Integer> queue;
        final AtomicReferenceArray<Task<Void>> handles;
        final Set<Integer> cancelledByTest = ConcurrentHashMap.newKeySet();
        final Queue<String> violations = new ConcurrentLinkedQueue<>();

        final AtomicInteger ops = new AtomicInteger();
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger maxHolders = new AtomicInteger();
        final AtomicLong permitsTaken = new AtomicLong();
        final AtomicLong putsInserted = new AtomicLong();
        final AtomicLong taskDoneStarted = new AtomicLong();
        final AtomicInteger joinersInCall = new AtomicInteger();
        /** Set once {@code shutdown()} has returned: every put started afterwards must be refused. */
        volatile boolean shutdownDone;

        /** Item id to what its put did: inserted, full, shutdown, cancelled (attempted while unknown). */
        final Map<Integer, String> putOutcome = new ConcurrentHashMap<>();
        /** Item id to how many times a get or tryGet returned it. */
        final Map<Integer, AtomicInteger> gotCount = new ConcurrentHashMap<>();
        /** Per consumer (worker index, or -1 for the test's drain), the items in the order it got them. */
        final Map<Integer, Queue<Integer>> gotBy = new ConcurrentHashMap<>();

        Trial(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.n = 2 + random.nextInt(19);
            this.limit = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : null;
            this.permits = 1 + random.nextInt(3);
            this.capacity = random.nextBoolean() ? 0 : 1 + random.nextInt(4);
            this.midShutdown = random.nextInt(4) == 0;
            this.fifoProbe = random.nextBoolean();
            this.semaphore = new Semaphore("model-" + seed, permits);
            this.queue = new AsyncQueue<>(capacity);
            this.handles = new AtomicReferenceArray<>(n);
            this.plans = new Op[n][];
            for (int i = 0; i < n; i++) {
                // a role biases the mix: producer, consumer, permit user, or anything
                int role = random.nextInt(4);
                int length = 1 + random.nextInt(25);
                Op[] plan = new Op[length];
                for (int k = 0; k < length; k++) {
                    plan[k] = pick(role);
                }
                plans[i] = plan;
            }
            this.tag = "[seed=" + seed + " n=" + n + " limit=" + limit + " permits=" + permits + " capacity=" + capacity
                    + " midShutdown=" + midShutdown + " fifoProbe=" + fifoProbe + "]";
        }

        Op pick(int role) {
            int r = random.nextInt(100);
            return switch (role) {
                case 0 -> r < 60 ? Op.PUT : r < 85 ? Op.TRY_PUT : r < 93 ? Op.JOIN : Op.ACQUIRE;
                case 1 -> r < 55 ? Op.GET : r < 75 ? Op.TRY_GET : r < 95 ? Op.TASK_DONE : Op.WITH_PERMIT;
                case 2 ->
                    r < 30
                            ? Op.ACQUIRE
                            : r < 50
                                    ? Op.TRY_ACQUIRE
                                    : r < 75 ? Op.TRY_ACQUIRE_TIMEOUT : r < 95 ? Op.WITH_PERMIT : Op.GET;
                default -> Op.values()[random.nextInt(Op.values().length)];
            };
        }

        void violation(String what) {
            violations.add(what + " (thread " + Thread.currentThread().getName() + ")");
        }

        void run() throws Exception {
            EventLoop.Builder builder = EventLoop.builder().name("qmodel-" + seed);
            if (limit != null) {
                builder.maxConcurrentTasks(limit);
            }
            EventLoop loop = builder.build();
            List<Task<Void>> probeTasks = new ArrayList<>();
            List<Boolean> probeCancelled = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    handles.set(i, loop.createTask("worker-" + i, () -> work(index)));
                }
                int totalOps = 0;
                for (Op[] plan : plans) {
                    totalOps += plan.length;
                }
                // events at random moments, measured in operations done: cancels and maybe a shutdown
                List<long[]> events = new ArrayList<>(); // {threshold, target or -1 for shutdown}
                for (int i = 0; i < n; i++) {
                    if (random.nextInt(10) < 3) {
                        int at = random.nextInt(4) == 0 ? 0 : random.nextInt(totalOps + 1);
                        events.add(new long[] {at, i});
                    }
                }
                if (midShutdown) {
                    events.add(new long[] {random.nextInt(totalOps + 1), -1});
                }
                events.sort(Comparator.comparingLong(e -> e[0]));
                for (long[] event : events) {
                    bounded().until(() -> ops.get() >= event[0] || allDone() || stalled());
                    if (event[1] < 0) {
                        shutdownQueue();
                    } else {
                        int target = (int) event[1];
                        cancelledByTest.add(target);
                        handles.get(target).cancel(TEST_REASON);
                    }
                }
                // let the workers finish on their own, or block for good (getters on an empty queue, putters on a
                // full one, joiners); then the final shutdown wakes getters and putters, and the drain frees joiners
                bounded().until(() -> allDone() || stalled());
                shutdownQueue();
                drain();
                bounded().until(this::allDone);
                drain(); // nothing can have been put since: puts are refused
                if (fifoProbe) {
                    runFifoProbe(loop, probeTasks, probeCancelled);
                }
                check(loop, probeTasks, probeCancelled);
            } finally {
                for (int i = 0; i < n; i++) {
                    Task<Void> task = handles.get(i);
                    if (task != null && !task.isDone()) {
                        task.cancel(TEST_REASON);
                    }
                }
                for (Task<Void> task : probeTasks) {
                    task.cancel(TEST_REASON);
                }
                queue.shutdown();
                while (holdsByTest > 0) {
                    semaphore.release();
                    holdsByTest--;
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

        int holdsByTest;

        void shutdownQueue() {
            queue.shutdown();
            shutdownDone = true;
        }

        void drain() {
            while (true) {
                Optional<Integer> item = queue.tryGet();
                if (item.isEmpty()) {
                    return;
                }
                got(-1, item.get());
                taskDoneStarted.incrementAndGet();
                queue.taskDone();
            }
        }

        boolean allDone() {
            for (int i = 0; i < n; i++) {
                Task<Void> task = handles.get(i);
                if (task == null || !task.isDone()) {
                    return false;
                }
            }
            return true;
        }

        /** Whether every worker not done waits in get, put or join (an estimate: it only decides when to shut down). */
        boolean stalled() {
            int notDone = 0;
            for (int i = 0; i < n; i++) {
                Task<Void> task = handles.get(i);
                if (task == null || !task.isDone()) {
                    notDone++;
                }
            }
            return notDone <= queue.waitingGetters() + queue.waitingPutters() + joinersInCall.get();
        }

        void got(int consumer, int item) {
            int times = gotCount.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            if (times > 1) {
                violation("item " + item + " got " + times + " times");
            }
            ITEMS_MOVED.incrementAndGet();
            gotBy.computeIfAbsent(consumer, k -> new ConcurrentLinkedQueue<>()).add(item);
        }

        void afterCancel(int index, TaskCancelledException e, Op op) {
            CANCELS_SEEN.incrementAndGet();
            if (Thread.currentThread().isInterrupted()) {
                violation("worker " + index + " " + op + " threw " + e + " with the interrupt status set");
            }
            if (!cancelledByTest.contains(index)) {
                violation("worker " + index + " " + op + " threw " + e + " but the test never cancelled it");
            }
        }

        Void work(int index) {
            Random r = new Random(seed * 31 + index);
            Deque<Integer> owed = new ArrayDeque<>();
            int seq = 0;
            Op op = null;
            try {
                for (Op next : plans[index]) {
                    op = next;
                    ops.incrementAndGet();
                    switch (op) {
                        case PUT, TRY_PUT -> {
                            int item = index * 1_000_000 + seq++;
                            boolean after = shutdownDone;
                            putOutcome.put(item, "attempted");
                            try {
                                boolean inserted;
                                if (op == Op.PUT) {
                                    queue.put(item);
                                    inserted = true;
                                } else {
                                    inserted = queue.tryPut(item);
                                }
                                putOutcome.put(item, inserted ? "inserted" : "full");
                                if (inserted) {
                                    putsInserted.incrementAndGet();
                                }
                                if (after) {
                                    violation(op + " of " + item + " started after shutdown() returned " + inserted
                                            + " instead of throwing QueueShutdownException");
                                }
                            } catch (QueueShutdownException e) {
                                SHUTDOWN_SEEN.incrementAndGet();
                                putOutcome.put(item, "shutdown");
                                if (!queue.isShutdown()) {
                                    violation(op + " threw " + e + " on a queue not shut down");
                                }
                            } catch (TaskCancelledException e) {
                                putOutcome.put(item, "cancelled");
                                throw e;
                            }
                        }
                        case GET -> {
                            try {
                                int item = queue.get();
                                got(index, item);
                                owed.add(item);
                            } catch (QueueShutdownException e) {
                                if (!queue.isShutdown()) {
                                    violation("get threw " + e + " on a queue not shut down");
                                }
                            }
                        }
                        case TRY_GET ->
                            queue.tryGet().ifPresent(item -> {
                                got(index, item);
                                owed.add(item);
                            });
                        case TASK_DONE -> {
                            if (!owed.isEmpty()) {
                                owed.pop();
                                taskDoneStarted.incrementAndGet();
                                queue.taskDone();
                            }
                        }
                        case JOIN -> {
                            payOwed(owed); // a joiner owing taskDone calls would wait for itself
                            long insertedBefore = putsInserted.get();
                            joinersInCall.incrementAndGet();
                            try {
                                queue.join();
                            } finally {
                                joinersInCall.decrementAndGet();
                            }
                            long doneAfter = taskDoneStarted.get();
                            if (doneAfter < insertedBefore) {
                                violation("join returned after " + doneAfter + " taskDone calls though "
                                        + insertedBefore + " items had been put before it was called");
                            }
                        }
                        case ACQUIRE -> {
                            semaphore.acquire();
                            try {
                                critical(r);
                            } finally {
                                semaphore.release();
                            }
                        }
                        case TRY_ACQUIRE -> {
                            if (semaphore.tryAcquire()) {
                                try {
                                    critical(r);
                                } finally {
                                    semaphore.release();
                                }
                            }
                        }
                        case TRY_ACQUIRE_TIMEOUT -> {
                            Duration timeout = switch (r.nextInt(3)) {
                                case 0 -> Duration.ZERO;
                                case 1 -> Duration.ofMillis(1);
                                default -> Duration.ofSeconds(30);
                            };
                            if (semaphore.tryAcquire(timeout)) {
                                try {
                                    critical(r);
                                } finally {
                                    semaphore.release();
                                }
                            }
                        }
                        case WITH_PERMIT ->
                            semaphore.withPermit(() -> {
                                critical(r);
                                return null;
                            });
                    }
                }
                return null;
            } catch (TaskCancelledException e) {
                afterCancel(index, e, op);
                throw e;
            } catch (RuntimeException | Error e) {
                violation("worker " + index + " " + op + " threw unexpectedly: " + e);
                throw e;
            } finally {
                payOwed(owed);
            }
        }

        void payOwed(Deque<Integer> owed) {
            while (!owed.isEmpty()) {
                owed.pop();
                taskDoneStarted.incrementAndGet();
                try {
                    queue.taskDone();
                } catch (RuntimeException e) {
                    violation("taskDone for an item got threw " + e);
                }
            }
        }

        /** Holds a permit for a moment; sometimes checks for cancellation, so a holder leaves by exception. */
        void critical(Random r) {
            int now = holders.incrementAndGet();
            try {
                permitsTaken.incrementAndGet();
                maxHolders.accumulateAndGet(now, Math::max);
                if (now > permits) {
                    violation(now + " holders of a semaphore with " + permits + " permits");
                }
                for (int k = r.nextInt(4); k > 0; k--) {
                    Thread.yield();
                }
                if (r.nextInt(4) == 0) {
                    Suspension.checkCancelled();
                }
            } finally {
                holders.decrementAndGet();
            }
        }

        /**
         * Every permit held by the test, waiters queued one by one, some cancelled, then a single permit handed out:
         * the survivors must take it in arrival order.
         */
        void runFifoProbe(EventLoop loop, List<Task<Void>> probeTasks, List<Boolean> probeCancelled) {
            for (int p = 0; p < permits; p++) {
                assertThat(semaphore.tryAcquire())
                        .as("free permit %d %s", p, tag)
                        .isTrue();
                holdsByTest++;
                permitsTaken.incrementAndGet();
            }
            int k = 2 + random.nextInt(5);
            Queue<Integer> order = new ConcurrentLinkedQueue<>();
            for (int w = 0; w < k; w++) {
                int id = w;
                boolean timed = random.nextBoolean();
                probeTasks.add(loop.createTask("fifo-" + w, () -> {
                    boolean taken;
                    try {
                        if (timed) {
                            taken = semaphore.tryAcquire(Duration.ofSeconds(30));
                        } else {
                            semaphore.acquire();
                            taken = true;
                        }
                    } catch (TaskCancelledException e) {
                        if (Thread.currentThread().isInterrupted()) {
                            violation("fifo waiter " + id + " threw " + e + " with the interrupt status set");
                        }
                        throw e;
                    }
                    if (taken) {
                        permitsTaken.incrementAndGet();
                        order.add(id);
                        semaphore.release(); // hands the permit to the next waiter, one at a time
                    }
                    return null;
                }));
                int queued = w + 1;
                bounded().until(() -> semaphore.waitingCount() == queued);
            }
            List<Integer> expected = new ArrayList<>();
            for (int w = 0; w < k; w++) {
                boolean cancel = random.nextInt(3) == 0;
                probeCancelled.add(cancel);
                if (cancel) {
                    probeTasks.get(w).cancel(TEST_REASON);
                } else {
                    expected.add(w);
                }
            }
            for (int w = 0; w < k; w++) {
                if (probeCancelled.get(w)) {
                    Task<Void> task = probeTasks.get(w);
                    bounded().until(task::isDone);
                }
            }
            bounded().until(() -> semaphore.waitingCount() == expected.size());
            assertThat(semaphore.available())
                    .as("a cancelled waiter took or freed a permit %s", tag)
                    .isZero();
            assertThat(semaphore.tryAcquire())
                    .as("tryAcquire with every permit held %s", tag)
                    .isFalse();
            semaphore.release();
            holdsByTest--;
            bounded()
                    .until(() -> order.size() == expected.size()
                            && probeTasks.stream().allMatch(Task::isDone));
            assertThat(List.copyOf(order))
                    .as("semaphore waiters not served in arrival order (cancelled %s) %s", probeCancelled, tag)
                    .isEqualTo(expected);
            while (holdsByTest > 0) {
                semaphore.release();
                holdsByTest--;
            }
        }

        void check(EventLoop loop, List<Task<Void>> probeTasks, List<Boolean> probeCancelled) {
            String where = tag + " ops=" + ops.get();
            assertThat(violations).as("violations " + where).isEmpty();

            // 1. items: got exactly once iff inserted; never got if refused or cancelled
            for (Map.Entry<Integer, String> entry : putOutcome.entrySet()) {
                int item = entry.getKey();
                AtomicInteger count = gotCount.get(item);
                int times = count == null ? 0 : count.get();
                String at = "item " + item + " put " + entry.getValue() + " got " + times + " times " + where;
                switch (entry.getValue()) {
                    case "inserted" -> assertThat(times).as(at).isEqualTo(1);
                    case "full", "shutdown", "cancelled" ->
                        assertThat(times).as(at).isZero();
                    default -> throw new AssertionError("put outcome unknown " + at);
                }
            }
            assertThat(putOutcome.keySet())
                    .as("items got that were never put " + where)
                    .containsAll(gotCount.keySet());
            // 2. FIFO of items: one consumer gets one producer's items in the order they were put
            for (Map.Entry<Integer, Queue<Integer>> entry : gotBy.entrySet()) {
                Map<Integer, Integer> lastSeq = new HashMap<>();
                for (int item : entry.getValue()) {
                    Integer previous = lastSeq.put(item / 1_000_000, item % 1_000_000);
                    assertThat(previous == null || previous < item % 1_000_000)
                            .as("consumer %d got %s out of order %s", entry.getKey(), entry.getValue(), where)
                            .isTrue();
                }
            }
            // 3. queue end state: shut down, empty, every item done; join returns at once, taskDone once more throws
            assertThat(queue.isShutdown()).as(where).isTrue();
            assertThat(queue.size()).as("left in the queue " + where).isZero();
            assertThat(queue.waitingGetters() + queue.waitingPutters())
                    .as("waiters left " + where)
                    .isZero();
            assertThat(taskDoneStarted.get()).as("taskDone calls " + where).isEqualTo(putsInserted.get());
            queue.join();
            assertThatThrownBy(queue::taskDone).as(where).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> queue.put(1)).as(where).isInstanceOf(QueueShutdownException.class);
            assertThatThrownBy(queue::get).as(where).isInstanceOf(QueueShutdownException.class);
            assertThat(queue.tryGet()).as(where).isEmpty();

            // 4. semaphore: all permits free, nobody waiting, a release too many throws, counters agree
            assertThat(holders.get()).as(where).isZero();
            assertThat(semaphore.available())
                    .as("permits free at the end " + where)
                    .isEqualTo(permits);
            assertThat(semaphore.waitingCount()).as(where).isZero();
            assertThatThrownBy(semaphore::release).as(where).isInstanceOf(IllegalStateException.class);
            assertThat(semaphore.available()).as(where).isEqualTo(permits);
            SemaphoreStats stats = semaphore.stats();
            assertThat(stats.acquired()).as("acquired " + stats + " " + where).isEqualTo(permitsTaken.get());
            assertThat(stats.released()).as("released " + stats + " " + where).isEqualTo(permitsTaken.get());

            // 5. task states and the loop's counters
            Map<TaskState, Long> counts = new HashMap<>();
            for (int i = 0; i < n; i++) {
                TaskState state = handles.get(i).state();
                counts.merge(state, 1L, Long::sum);
                String at = "worker " + i + " " + where;
                if (cancelledByTest.contains(i)) {
                    assertThat(state).as(at).isIn(TaskState.COMPLETED, TaskState.CANCELLED);
                } else {
                    assertThat(state).as(at).isEqualTo(TaskState.COMPLETED);
                }
            }
            for (int w = 0; w < probeTasks.size(); w++) {
                TaskState state = probeTasks.get(w).state();
                counts.merge(state, 1L, Long::sum);
                assertThat(state)
                        .as("fifo waiter " + w + " " + where)
                        .isEqualTo(probeCancelled.get(w) ? TaskState.CANCELLED : TaskState.COMPLETED);
            }
            bounded().until(() -> loop.stats().active() == 0 && loop.stats().pending() == 0);
            LoopStats loopStats = loop.stats();
            assertBalanced(loopStats, where);
            assertThat(loopStats.created()).as(loopStats + where).isEqualTo(n + probeTasks.size());
            assertThat(loopStats.completed())
                    .as(loopStats + where)
                    .isEqualTo(counts.getOrDefault(TaskState.COMPLETED, 0L));
            assertThat(loopStats.cancelled())
                    .as(loopStats + where)
                    .isEqualTo(counts.getOrDefault(TaskState.CANCELLED, 0L));
            assertThat(loopStats.failed()).as(loopStats + where).isZero();
        }

        void assertBalanced(LoopStats stats, String where) {
            LoopAssertions.assertSettled(stats, tag + " " + where);
        }
    }
}
