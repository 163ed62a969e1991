package dev.asyncio.resource;

import static dev.asyncio.resource.AsyncResourceManager.deregister;
import static dev.asyncio.resource.AsyncResourceManager.register;
import static dev.asyncio.resource.AsyncResourceManager.resourceCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asyncio.Asyncio;
import dev.asyncio.concurrency.GatherStrategy;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/** Registration, deregistration and closing racing one another across many tasks. */
class ResourceStressTest {
    private static final int TASKS = 2_000;

    // Every task registers one resource with the shared scope and one with a scope of its own, all at once.
    @RepeatedTest(3)
    void manyTasksRegisteringAtOnceHaveEveryResourceClosedExactlyOnce() {
        List<CountingResource> shared = new ArrayList<>();
        List<CountingResource> own = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            shared.add(new CountingResource("shared-" + i));
            own.add(new CountingResource("own-" + i));
        }
        ResourceStats before = AsyncResourceManager.stats();
        CountDownLatch go = new CountDownLatch(1);

        CancellationScope.run(scope -> {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                CountingResource mine = shared.get(i);
                CountingResource inner = own.get(i);
                tasks.add(Asyncio.createTask(() -> {
                    go.await();
                    register(mine);
                    CancellationScope.run(() -> register(inner));
                    return inner.closes.get();
                }));
            }
            go.countDown();
            assertThat(Asyncio.gather(tasks, GatherStrategy.FAIL_FAST)).containsOnly(1);
            assertThat(resourceCount(scope)).isEqualTo(TASKS);
            assertThat(shared).allSatisfy(r -> assertThat(r.closes).hasValue(0));
            return null;
        });

        assertThat(shared).allSatisfy(r -> assertThat(r.closes).hasValue(1));
        assertThat(own).allSatisfy(r -> assertThat(r.closes).hasValue(1));
        ResourceStats after = AsyncResourceManager.stats();
        assertThat(after.registered() - before.registered()).isEqualTo(2L * TASKS);
        assertThat(after.closed() - before.closed()).isEqualTo(2L * TASKS);
        assertThat(after.open()).isEqualTo(before.open());
    }

    // Tasks deregister resources while their scope is closing them: each ends exactly one way, never both.
    @RepeatedTest(5)
    void deregisteringWhileTheScopeClosesEndsEachResourceExactlyOneWay() {
        int count = 500;
        List<CountingResource> resources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            resources.add(new CountingResource("r-" + i));
        }
        ResourceStats before = AsyncResourceManager.stats();
        CountDownLatch go = new CountDownLatch(1);
        // The scope exits once a quarter of the racers are under way, so the rest race with its closing.
        CountDownLatch underWay = new CountDownLatch(count / 4);

        List<Boolean> deregistered = CancellationScope.run(outer -> {
            List<Task<Boolean>> racers = new ArrayList<>();
            for (CountingResource r : resources) {
                racers.add(Asyncio.createTask(() -> {
                    go.await();
                    underWay.countDown();
                    return deregister(r);
                }));
            }
            CancellationScope.run(() -> {
                resources.forEach(AsyncResourceManager::register);
                go.countDown();
                underWay.await();
                return null;
            });
            return Asyncio.gather(racers, GatherStrategy.FAIL_FAST);
        });

        for (int i = 0; i < count; i++) {
            assertThat(resources.get(i).closes).hasValue(deregistered.get(i) ? 0 : 1);
        }
        long deregisteredCount = deregistered.stream().filter(b -> b).count();
        ResourceStats after = AsyncResourceManager.stats();
        assertThat(after.deregistered() - before.deregistered()).isEqualTo(deregisteredCount);
        assertThat(after.closed() - before.closed()).isEqualTo(count - deregisteredCount);
        assertThat(after.open()).isEqualTo(before.open());
    }

    // Many tasks try to register one resource with one scope at once: exactly one wins.
    @RepeatedTest(5)
    void concurrentRegistrationsOfOneResourceLetExactlyOneWin() {
        CountingResource contested = new CountingResource("contested");
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);

        CancellationScope.run(scope -> {
            List<Task<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                tasks.add(Asyncio.createTask(() -> {
                    go.await();
                    try {
                        register(contested);
                    } catch (IllegalStateException alreadyRegistered) {
                        refused.incrementAndGet();
                    }
                    return "";
                }));
            }
            go.countDown();
            Asyncio.gather(tasks, GatherStrategy.FAIL_FAST);
            assertThat(resourceCount(scope)).isEqualTo(1);
            return null;
        });

        assertThat(refused).hasValue(199);
        assertThat(contested.closes).hasValue(1);
    }
}
