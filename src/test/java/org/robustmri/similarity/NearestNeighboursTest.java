package org.robustmri.similarity;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NearestNeighboursTest {
    @Test
    void findsTheKnownNeighbourAcrossBlocksAndAgreesWithBruteForce() {
        int n = NearestNeighbours.TRAIN_BLOCK + 3_000, m = NearestNeighbours.TEST_BLOCK + 500, d = 8;
        SplittableRandom rng = new SplittableRandom(7);
        float[] train = new float[n * d];
        for (int i = 0; i < train.length; i++) train[i] = (float) (rng.nextDouble() * 2 - 1);
        int[] truth = new int[m];
        float[] test = new float[m * d];
        for (int i = 0; i < m; i++) {
            truth[i] = rng.nextInt(n);
            // a scaled copy (cosine ignores length) of a training row, a little perturbed
            float scale = (float) (0.5 + rng.nextDouble());
            for (int k = 0; k < d; k++) test[i * d + k] = scale * train[truth[i] * d + k] + (float) (1e-4 * (rng.nextDouble() - 0.5));
        }
        NearestNeighbours.Result r = NearestNeighbours.search(train, n, test, m, d, x -> { });
        int agree = 0;
        for (int i = 0; i < m; i++) {
            if (r.index()[i] == truth[i]) agree++;
            if (i % 97 == 0) { // brute force in float64 on a sample
                double best = -2;
                for (int j = 0; j < n; j++) best = Math.max(best, NearestNeighbours.cosine(test, i, train, j, d));
                assertThat(r.similarity()[i]).as("test row %d", i).isCloseTo(best, within(1e-6));
            }
        }
        assertThat(agree).isGreaterThanOrEqualTo(m - 3); // 8-d random rows: an accidental nearer neighbour is rare
        assertThat(r.index()).hasSize(m);
    }

    @Test
    void anIdenticalVectorScoresExactlyOne() {
        float[] train = {0.1f, 0.2f, 0.3f, -1f, 2f, 0.5f};
        float[] test = {-1f, 2f, 0.5f};
        NearestNeighbours.Result r = NearestNeighbours.search(train, 2, test, 1, 3, x -> { });
        assertThat(r.index()).containsExactly(1);
        assertThat(r.similarity()[0]).isEqualTo(1.0);
    }
}
