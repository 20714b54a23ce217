package org.robustmri.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumpyRandomStateTest {

    private static final JsonNode SEEDS = Golden.load("randomstate.json").get("seeds");

    @Test
    void replaysEveryNumpyOutputExactly() {
        assertThat(SEEDS.size()).isGreaterThanOrEqualTo(10);
        int checked = 0;
        for (JsonNode seedCase : SEEDS) {
            NumpyRandomState rng = stateFor(seedCase);
            String label = seedCase.has("int_seed") ? "int seed " + seedCase.get("int_seed")
                    : "array seed " + seedCase.get("array_seed");

            int[] key = rng.stateKey();
            int[] head = Golden.ints(seedCase.get("key_head"));
            for (int i = 0; i < head.length; i++) {
                assertThat(key[i]).as("%s key[%d]", label, i).isEqualTo(head[i]);
            }
            assertThat(key[623]).as("%s key[623]", label).isEqualTo((int) seedCase.get("key_tail").asLong());

            int step = 0;
            for (JsonNode op : seedCase.get("ops")) {
                String what = label + " op " + step++ + " " + op;
                switch (op.get(0).asText()) {
                    case "randint" -> assertThat(rng.randint(op.get(1).asLong(), op.get(2).asLong()))
                            .as(what).isEqualTo(op.get(3).asLong());
                    case "randint1" -> assertThat(rng.randint(op.get(1).asLong())).as(what)
                            .isEqualTo(op.get(2).asLong());
                    case "random_sample" -> assertThat(rng.randomSample()).as(what).isEqualTo(op.get(1).asDouble());
                    case "uniform" -> assertThat(rng.uniform(op.get(1).size()))
                            .as(what).containsExactly(Golden.doubles(op.get(1)).stream().mapToDouble(d -> d).toArray());
                    default -> throw new IllegalStateException("unknown op " + op);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(3000);
    }

    @Test
    void goldenCoversTheTrickyRanges() {
        JsonNode ops = SEEDS.get(0).get("ops");
        boolean single = false;
        boolean above32 = false;
        boolean full32 = false;
        for (JsonNode op : ops) {
            if (!op.get(0).asText().equals("randint")) {
                continue;
            }
            long span = op.get(2).asLong() - op.get(1).asLong();
            single |= span == 1;
            full32 |= span == 1L << 32;
            above32 |= Long.compareUnsigned(span, 1L << 32) > 0;
        }
        assertThat(single && above32 && full32).isTrue();
    }

    @Test
    void singleValueRangeConsumesNoDraw() {
        NumpyRandomState a = new NumpyRandomState(7);
        NumpyRandomState b = new NumpyRandomState(7);
        assertThat(a.randint(5, 6)).isEqualTo(5);
        assertThat(a.randint(1)).isZero();
        assertThat(a.randomSample()).isEqualTo(b.randomSample());
    }

    @Test
    void fileNameSeedIsTheTupleOfCodePoints() {
        NumpyRandomState byName = NumpyRandomState.seedFromName("file1000001.h5");
        NumpyRandomState byArray = new NumpyRandomState("file1000001.h5".chars().toArray());
        assertThat(byName.stateKey()).isEqualTo(byArray.stateKey());
        assertThat(byName.randomSample()).isEqualTo(byArray.randomSample());
    }

    @Test
    void arraySeedDiffersFromIntSeed() {
        assertThat(new NumpyRandomState(new int[] {5}).randomSample())
                .isNotEqualTo(new NumpyRandomState(5).randomSample());
    }

    @Test
    void trainingSeedsAreReproducibleUnderARunSeed() {
        double first = NumpyRandomState.seededFrom(new SplittableRandom(99)).randomSample();
        double again = NumpyRandomState.seededFrom(new SplittableRandom(99)).randomSample();
        double other = NumpyRandomState.seededFrom(new SplittableRandom(100)).randomSample();
        assertThat(first).isEqualTo(again).isNotEqualTo(other);
        assertThat(NumpyRandomState.fromLongSeed(0x0000_0002_0000_0001L).stateKey())
                .isEqualTo(new NumpyRandomState(new int[] {1, 2}).stateKey());
    }

    @Test
    void rejectsWhatNumpyRejects() {
        assertThatThrownBy(() -> new NumpyRandomState(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^32");
        assertThatThrownBy(() -> new NumpyRandomState(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NumpyRandomState(new int[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> NumpyRandomState.seedFromName("")).isInstanceOf(IllegalArgumentException.class);
        NumpyRandomState rng = new NumpyRandomState(1);
        assertThatThrownBy(() -> rng.randint(3, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("high <= low");
        assertThatThrownBy(() -> rng.randint(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static NumpyRandomState stateFor(JsonNode seedCase) {
        if (seedCase.has("int_seed")) {
            return new NumpyRandomState(seedCase.get("int_seed").asLong());
        }
        return new NumpyRandomState(Golden.ints(seedCase.get("array_seed")));
    }
}
