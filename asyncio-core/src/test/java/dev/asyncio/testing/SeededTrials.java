package dev.asyncio.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;

/**
 * Runs the trials of a randomized, seeded test: each trial gets a seed it builds everything random from and names in
 * its assertion messages, so a failure can be replayed. System properties, under the test's prefix: {@code
 * <prefix>.trials} (how many trials), {@code <prefix>.seed} (replay one trial), {@code <prefix>.base} (replay a whole
 * run: the seed the trials' seeds are drawn from; by default the clock).
 */
public final class SeededTrials {

    /** One trial. */
    @FunctionalInterface
    public interface Trial {
        /** Runs the trial built from {@code seed}, failing with that seed in the message if it breaks the model. */
        void run(long seed) throws Exception;
    }

    private SeededTrials() {}

    /**
     * Runs the trials: the one {@code <prefix>.seed} names, or {@code <prefix>.trials} of them (default {@code
     * defaultTrials}).
     *
     * @return what ran, with the base seed and the time taken, for the test to print
     */
    public static String run(String prefix, int defaultTrials, Trial trial) throws Exception {
        String replay = System.getProperty(prefix + ".seed");
        if (replay != null) {
            trial.run(Long.parseLong(replay));
            return "1 trial (seed " + replay + ")";
        }
        int trials = Integer.getInteger(prefix + ".trials", defaultTrials);
        long base = Long.getLong(prefix + ".base", System.nanoTime());
        Random seeds = new Random(base);
        long start = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            trial.run(seeds.nextLong());
        }
        return trials + " trials (base seed " + base + ") in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
    }

    /** {@return a wait bounded by {@code bound} that polls often: awaitility's first poll after 100 ms would dominate a trial} */
    public static ConditionFactory bounded(Duration bound) {
        return await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .atMost(bound);
    }
}
