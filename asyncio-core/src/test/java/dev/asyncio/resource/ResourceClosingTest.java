package dev.asyncio.resource;

import static dev.asyncio.resource.AsyncResourceManager.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.asyncio.Asyncio;
import dev.asyncio.core.CancellationScope;
import dev.asyncio.core.EventLoop;
import dev.asyncio.core.Task;
import dev.asyncio.core.internal.RuntimeScope;
import dev.asyncio.core.observe.Observer;
import dev.asyncio.core.observe.ResourceEvent;
import dev.asyncio.exception.TaskCancelledException;
import dev.asyncio.exception.TaskTimeoutException;
import dev.asyncio.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The closing rules: when a scope closes its resources, in which order, and what it does with their failures. */
class ResourceClosingTest {
    private static final Duration FOREVER = Duration.ofMinutes(5);

    private final Queue<String> journal = new ConcurrentLinkedQueue<>();
    private LogCapture logged;

    @BeforeEach
    void captureTheLog() {
        logged = LogCapture.capture();
    }

    @AfterEach
    void releaseTheLog() {
        logged.close();
    }

    /** {@return what the scope logged} */
    private List<ILoggingEvent> scopeLog() {
        return logged.events().stream()
                .filter(e -> e.getLoggerName().equals(RuntimeScope.class.getName()))
                .toList();
    }

    private CountingResource resource(String name) {
        return new CountingResource(name, journal);
    }

    @Test
    void aScopeClosesEachResourceExactlyOnceInReverseOrderOfRegistration() {
        CountingResource a = resource("a");
        CountingResource b = resource("b");
        CountingResource c = resource("c");

        CancellationScope.run(() -> {
            register(a);
            register(b);
            register(c);
            assertThat(journal).as("nothing is closed while the body runs").isEmpty();
            return null;
        });

        assertThat(journal).containsExactly("close c", "close b", "close a");
        assertThat(List.of(a.closes.get(), b.closes.get(), c.closes.get())).containsOnly(1);
    }

    @Test
    void resourcesOfAsyncioRunsMainTaskAreClosedBeforeRunReturns() {
        CountingResource ofMain = resource("main");
        CountingResource ofChild = resource("child");

        String result = Asyncio.run(() -> {
            register(ofMain);
            Asyncio.await(Asyncio.createTask(() -> register(ofChild)));
            assertThat(journal)
                    .as("the child task ended, its resource stays open")
                    .isEmpty();
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(journal).containsExactly("close child", "close main");
        assertThat(ofMain.cancellations).hasValue(0);
    }

    @Test
    void aResourceRegisteredInATaskBindsToTheTasksScopeAndOutlivesTheTask() {
        CountingResource r = resource("r");

        CancellationScope.run(scope -> {
            Task<@Nullable CancellationScope> task = Asyncio.createTask(() -> {
                register(r);
                return CancellationScope.current();
            });
            assertThat(Asyncio.await(task)).isSameAs(scope);
            assertThat(r.closes).hasValue(0);
            assertThat(AsyncResourceManager.resourceCount(scope)).isEqualTo(1);
            return null;
        });

        assertThat(r.closes).hasValue(1);
    }

    @Test
    void aTaskThatOpensItsOwnScopeBindsItsResourcesToThatScope() {
        CountingResource inner = resource("inner");
        CountingResource outer = resource("outer");

        Asyncio.run(() -> Asyncio.await(Asyncio.createTask(() -> {
            CancellationScope.run(() -> register(inner));
            assertThat(inner.closes)
                    .as("closed when the task's own scope exited")
                    .hasValue(1);
            return register(outer);
        })));

        assertThat(journal).containsExactly("close inner", "close outer");
    }

    @Test
    void aLeftoverTaskThatRegistersWhileTheScopeWaitsForItAtExitStillHasItClosed() {
        CountingResource late = new CountingResource("late");
        CountDownLatch started = new CountDownLatch(1);
        CancellationScope.run(() -> {
            Asyncio.createTask(() -> {
                try {
                    started.countDown();
                    Asyncio.sleep(Duration.ofMinutes(10));
                } finally {
                    register(late); // the scope is exiting, but has not closed its resources yet
                }
                return null;
            });
            started.await();
            return null;
        });
        assertThat(late.closes).hasValue(1);
    }

    @Test
    void onCancellationRunsJustBeforeCloseWhenTheScopeIsCancelled() {
        CountingResource a = resource("a");
        CountingResource b = resource("b");

        // The body returns without blocking again, so run returns its value; the scope is cancelled all the same.
        int result = CancellationScope.run(scope -> {
            register(a);
            register(b);
            scope.cancel();
            return 42;
        });

        assertThat(result).isEqualTo(42);
        assertThat(journal).containsExactly("cancel b", "close b", "cancel a", "close a");
    }

    @Test
    void onCancellationRunsWhenADeadlineCancelsTheScope() {
        CountingResource r = resource("r");

        assertThatThrownBy(() -> CancellationScope.withTimeout(Duration.ofMillis(20), () -> {
                    register(r);
                    Asyncio.sleep(FOREVER);
                    return null;
                }))
                .isInstanceOf(TaskTimeoutException.class);

        assertThat(journal).containsExactly("cancel r", "close r");
    }

    @Test
    void cancellingAnEnclosingScopeCountsAsCancellationForAnInnerScopesResources() {
        CountingResource inner = resource("inner");
        CountingResource outer = resource("outer");

        assertThatThrownBy(() -> CancellationScope.run(outerScope -> {
                    register(outer);
                    return CancellationScope.run(() -> {
                        register(inner);
                        outerScope.cancel();
                        Asyncio.sleep(FOREVER);
                        return null;
                    });
                }))
                .isInstanceOf(TaskCancelledException.class);

        assertThat(journal).containsExactly("cancel inner", "close inner", "cancel outer", "close outer");
    }

    @Test
    void aNormalExitDoesNotCallOnCancellationEvenWhenItCancelsLeftoverTasks() throws Exception {
        CountingResource r = resource("r");
        CountDownLatch leftoverStarted = new CountDownLatch(1);
        AtomicReference<@Nullable Task<?>> leftover = new AtomicReference<>();

        CancellationScope.run(() -> {
            register(r);
            leftover.set(Asyncio.createTask(() -> {
                leftoverStarted.countDown();
                Asyncio.sleep(FOREVER);
                return null;
            }));
            leftoverStarted.await();
            return null;
        });

        assertThat(leftover.get())
                .satisfies(task -> assertThat(task.isCancelled()).isTrue());
        assertThat(journal).containsExactly("close r");
    }

    @Test
    void cancellingATaskIsNotACancellationOfTheScopeItsResourcesAreBoundTo() {
        CountingResource r = resource("r");
        CountDownLatch registered = new CountDownLatch(1);

        CancellationScope.run(() -> {
            Task<Object> task = Asyncio.createTask(() -> {
                register(r);
                registered.countDown();
                Asyncio.sleep(FOREVER);
                return "never";
            });
            registered.await();
            task.cancel();
            assertThatThrownBy(() -> Asyncio.await(task)).isInstanceOf(TaskCancelledException.class);
            return null;
        });

        assertThat(journal).containsExactly("close r");
    }

    @Test
    void aFailingCloseDoesNotStopTheOthersAndIsSuppressedOnTheExceptionLeavingTheScope() {
        IllegalStateException closeFailure = new IllegalStateException("b cannot close");
        CountingResource a = resource("a");
        CountingResource b = resource("b").failingClose(closeFailure);
        CountingResource c = resource("c");

        Throwable thrown = catchThrowable(() -> CancellationScope.run(() -> {
            register(a);
            register(b);
            register(c);
            throw new IllegalArgumentException("the body failed");
        }));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("the body failed");
        assertThat(thrown.getSuppressed()).containsExactly(closeFailure);
        assertThat(journal).containsExactly("close c", "close b", "close a");
        assertThat(List.of(a.closes.get(), b.closes.get(), c.closes.get())).containsOnly(1);
        assertThat(scopeLog()).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("CountingResource[b]");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("b cannot close");
        });
    }

    @Test
    void aFailingCloseOnANormalExitIsLoggedAndTheScopeStillReturnsItsValue() {
        CountingResource a = resource("a");
        CountingResource b = resource("b").failingClose(new IllegalStateException("b cannot close"));

        String result = CancellationScope.run(() -> {
            register(a);
            register(b);
            return "value";
        });

        assertThat(result).isEqualTo("value");
        assertThat(journal).containsExactly("close b", "close a");
        assertThat(scopeLog())
                .singleElement()
                .satisfies(event -> assertThat(event.getLevel()).isEqualTo(Level.WARN));
    }

    @Test
    void aFailingOnCancellationStillClosesTheResourceAndIsSuppressedOnTheCancellation() {
        IllegalStateException cancellationFailure = new IllegalStateException("cannot roll back");
        CountingResource a = resource("a");
        CountingResource b = resource("b").failingOnCancellation(cancellationFailure);

        Throwable thrown = catchThrowable(() -> CancellationScope.run(scope -> {
            register(a);
            register(b);
            scope.cancel();
            Asyncio.checkCancelled();
            return null;
        }));

        assertThat(thrown).isInstanceOf(TaskCancelledException.class);
        assertThat(thrown.getSuppressed()).containsExactly(cancellationFailure);
        assertThat(journal).containsExactly("cancel b", "close b", "cancel a", "close a");
    }

    @Test
    void resourceEventsReachTheObserversOfTheScopesLoop() {
        Queue<ResourceEvent> events = new ConcurrentLinkedQueue<>();
        Observer observer = new Observer() {
            @Override
            public void onTaskEvent(dev.asyncio.core.observe.TaskEvent event) {}

            @Override
            public void onResourceEvent(ResourceEvent event) {
                events.add(event);
            }
        };
        CountingResource r = resource("r");
        AtomicReference<@Nullable CancellationScope> bound = new AtomicReference<>();

        try (EventLoop loop = EventLoop.builder().name("resource-events").build()) {
            loop.observable().register(observer);
            loop.run(() -> {
                register(r);
                bound.set(CancellationScope.current());
                assertThat(events)
                        .as("REGISTERED arrives before register returns")
                        .hasSize(1);
                return null;
            });
        }

        assertThat(events)
                .extracting(ResourceEvent::type)
                .containsExactly(ResourceEvent.Type.REGISTERED, ResourceEvent.Type.CLOSED);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.resource()).isSameAs(r);
            assertThat(event.scope()).isSameAs(bound.get());
        });
    }
}
