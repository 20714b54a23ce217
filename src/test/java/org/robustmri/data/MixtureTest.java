package org.robustmri.data;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MixtureTest {
    static final Catalog TRAIN = DistributionTest.TRAIN;
    static final List<CatalogEntry> PD = rows("- {protocolName: CORPD_FBK}");      // 165 volumes, 5969 slices
    static final List<CatalogEntry> PDFS = rows("- {protocolName: CORPDFS_FBK}");  // 168 volumes, 6042 slices
    static final List<CatalogEntry> T2 = rows("- {protocolName: AXT2}");           // 644 volumes, 10220 slices

    static List<CatalogEntry> rows(String yaml) {
        return Distribution.parse(yaml, yaml).select(TRAIN).entries();
    }

    static Mixture.Builder pq() {
        return Mixture.builder().add("P", PD).add("Q", PDFS).seed(3);
    }

    @Test
    void explicitNinetyTenGivesExactCounts() {
        Mixture m = pq().weights(Weighting.explicit(Map.of("P", 0.9, "Q", 0.1))).slicesPerEpoch(1000).build();
        assertThat(m.sliceCounts()).containsExactly(Map.entry("P", 900L), Map.entry("Q", 100L));
        Mixture.EpochPlan plan = m.plan(0);
        assertThat(plan.size()).isEqualTo(1000);
        assertThat(plan.sliceCounts()).containsExactly(Map.entry("P", 900), Map.entry("Q", 100));
        Map<String, Integer> counted = new HashMap<>();
        for (Mixture.Draw d : plan.draws()) {
            counted.merge(d.distribution(), 1, Integer::sum);
            assertThat(d.entry().get("protocolName")).isEqualTo(d.distribution().equals("P") ? "CORPD_FBK" : "CORPDFS_FBK");
            assertThat(d.slice()).isBetween(d.entry().startSlice(), d.entry().endSlice() - 1);
        }
        assertThat(counted).isEqualTo(plan.sliceCounts());
        // fewer draws than slices: no slice twice within the epoch
        assertThat(new HashSet<>(plan.draws())).hasSize(1000);
        // largest remainder: 900.9 and 100.1 of 1001 -> 901 and 100
        assertThat(pq().weights(Weighting.explicit(Map.of("P", 0.9, "Q", 0.1))).slicesPerEpoch(1001).build().sliceCounts())
                .containsExactly(Map.entry("P", 901L), Map.entry("Q", 100L));
        // the default budget is every slice of the mixture (12011): P oversampled, Q drawn without replacement
        Mixture all = pq().weights(Weighting.explicit(Map.of("P", 9.0, "Q", 1.0))).build();
        assertThat(all.slicesPerEpoch()).isEqualTo(12011);
        assertThat(all.sliceCounts()).containsExactly(Map.entry("P", 10810L), Map.entry("Q", 1201L));
        Mixture.EpochPlan p = all.plan(1);
        Map<Mixture.Draw, Integer> times = new HashMap<>();
        for (Mixture.Draw d : p.draws()) if (d.distribution().equals("P")) times.merge(d, 1, Integer::sum);
        assertThat(times).hasSize(5969); // every P slice at least once ...
        assertThat(times.values()).allMatch(t -> t == 1 || t == 2); // ... and at most twice (10810 = 5969 + 4841)
        assertThat(p.volumeCounts().get("P")).isEqualTo(165);
        assertThat(m.normalizedWeights().get("P")).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void uniformAndProportionalWeights() {
        Mixture u = Mixture.builder().add("PD", PD).add("PDFS", PDFS).add("T2", T2)
                .weights(Weighting.uniform()).slicesPerEpoch(100).build();
        assertThat(u.sliceCounts()).containsExactly(Map.entry("PD", 34L), Map.entry("PDFS", 33L), Map.entry("T2", 33L));
        assertThat(u.plan(0).sliceCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);

        Mixture prop = Mixture.builder().add("PD", PD).add("PDFS", PDFS).add("T2", T2).weights(Weighting.proportional()).build();
        assertThat(prop.sliceCounts()).containsExactly(Map.entry("PD", 5969L), Map.entry("PDFS", 6042L), Map.entry("T2", 10220L));
        Mixture.EpochPlan plan = prop.plan(0);
        // proportional with the default budget is plain "every slice once"
        assertThat(new HashSet<>(plan.draws())).hasSize(5969 + 6042 + 10220);
        assertThat(plan.volumeCounts()).containsExactly(Map.entry("PD", 165), Map.entry("PDFS", 168), Map.entry("T2", 644));
        assertThat(Mixture.builder().add("PD", PD).add("T2", T2).slicesPerEpoch(1000).build().sliceCounts())
                .containsExactly(Map.entry("PD", 369L), Map.entry("T2", 631L)); // 5969/16189 and 10220/16189 of 1000
    }

    @Test
    void dataSizeFactorSubsamplesVolumesPerDistributionNestedAndSeeded() {
        Mixture eighth = pq().dataFraction(Mixture.parseFraction("1/8")).build();
        assertThat(eighth.components().get(0).entries()).hasSize(21); // round(165 / 8)
        assertThat(eighth.components().get(1).entries()).hasSize(21); // round(168 / 8)
        assertThat(PD).containsAll(eighth.components().get(0).entries());
        Mixture quarter = pq().dataFraction(0.25).build();
        assertThat(quarter.components().get(0).entries()).hasSize(41)
                .containsAll(eighth.components().get(0).entries());
        Mixture again = pq().dataFraction(0.125).build();
        assertThat(again.components()).isEqualTo(eighth.components());
        Mixture otherSeed = pq().seed(4).dataFraction(0.125).build();
        assertThat(otherSeed.components().get(0).entries()).isNotEqualTo(eighth.components().get(0).entries());
        assertThat(pq().dataFraction(1.0 / 64).build().components().get(0).entries()).hasSize(3);
        // the budget follows the subsampled data
        long slices = eighth.components().get(0).slices() + eighth.components().get(1).slices();
        assertThat(eighth.slicesPerEpoch()).isEqualTo(slices);
        assertThat(eighth.plan(0).size()).isEqualTo(slices);
        assertThat(Mixture.parseFraction("1/64")).isEqualTo(1.0 / 64);
        assertThat(Mixture.parseFraction("16")).isEqualTo(1.0 / 16);
        assertThatThrownBy(() -> Mixture.parseFraction("2/1")).hasMessageContaining("data-size factor");
        assertThatThrownBy(() -> pq().dataFraction(0)).hasMessageContaining("(0, 1]");
    }

    @Test
    void plansAreDeterministicForASeedAndDifferAcrossEpochs() {
        Mixture a = pq().weights(Weighting.explicit(Map.of("P", 0.9, "Q", 0.1))).slicesPerEpoch(500).build();
        Mixture b = pq().weights(Weighting.explicit(Map.of("P", 0.9, "Q", 0.1))).slicesPerEpoch(500).build();
        assertThat(b.plan(7).draws()).isEqualTo(a.plan(7).draws());
        assertThat(a.plan(8).draws()).isNotEqualTo(a.plan(7).draws());
        assertThat(a.plan(8).sliceCounts()).isEqualTo(a.plan(7).sliceCounts());
        Mixture c = pq().seed(99).weights(Weighting.explicit(Map.of("P", 0.9, "Q", 0.1))).slicesPerEpoch(500).build();
        assertThat(c.plan(7).draws()).isNotEqualTo(a.plan(7).draws());
    }

    @Test
    void badWeightsAndOverlapsAreClearErrors() {
        assertThatThrownBy(() -> pq().weights(Weighting.explicit(Map.of("P", -0.1, "Q", 1.1))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight of 'P'").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> pq().weights(Weighting.explicit(Map.of("P", 0.0, "Q", 0.0))).build())
                .hasMessageContaining("sum to zero");
        assertThatThrownBy(() -> pq().weights(Weighting.explicit(Map.of("P", 1.0))).build())
                .hasMessageContaining("no weight for distribution 'Q'");
        assertThatThrownBy(() -> pq().weights(Weighting.explicit(Map.of("P", 1.0, "Q", 1.0, "R", 1.0))).build())
                .hasMessageContaining("unknown distribution 'R'");
        assertThatThrownBy(() -> pq().weights(Weighting.explicit(Map.of("P", Double.NaN, "Q", 1.0))).build())
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> Mixture.builder().add("P", PD).add("P+", rows("- {systemModel: Aera, protocolName: CORPD_FBK}")).build())
                .hasMessageContaining("more than one distribution").hasMessageContaining("'P' and 'P+'");
        assertThatThrownBy(() -> Mixture.builder().add("P", PD).add("none", List.of())
                .weights(Weighting.uniform()).build()).hasMessageContaining("'none'").hasMessageContaining("no slices");
        assertThatThrownBy(() -> Mixture.builder().build()).hasMessageContaining("at least one distribution");
        // a zero weight is allowed and contributes nothing
        Mixture zero = pq().weights(Weighting.explicit(Map.of("P", 1.0, "Q", 0.0))).slicesPerEpoch(10).build();
        assertThat(zero.plan(0).sliceCounts()).containsExactly(Map.entry("P", 10), Map.entry("Q", 0));
    }

    @Test
    void largestRemainderSumsExactly() {
        assertThat(Weighting.largestRemainder(new double[]{1, 1, 1}, 100)).containsExactly(34, 33, 33);
        assertThat(Weighting.largestRemainder(new double[]{0.7, 0.2, 0.1}, 10)).containsExactly(7, 2, 1);
        assertThat(Weighting.largestRemainder(new double[]{0.29, 0.71}, 100)).containsExactly(29, 71);
        assertThat(Weighting.largestRemainder(new double[]{1, 0, 2}, 7)).containsExactly(2, 0, 5);
        long[] r = Weighting.largestRemainder(new double[]{0.123, 0.456, 0.789, 1e-9}, 12345);
        assertThat(r[0] + r[1] + r[2] + r[3]).isEqualTo(12345);
    }

    @Test
    void aFixedSubsetIsTheSameEveryEpochAndARedrawIsNot() {
        Mixture fixed = pq().weights(Weighting.uniform()).slicesPerEpoch(500).build();
        assertThat(fixed.redrawsEachEpoch()).isFalse();
        Set<Mixture.Draw> e1 = new HashSet<>(fixed.plan(1).draws()), e2 = new HashSet<>(fixed.plan(2).draws());
        assertThat(e1).hasSize(500).isEqualTo(e2);                               // the same 500 distinct slices
        assertThat(fixed.plan(1).draws()).isNotEqualTo(fixed.plan(2).draws());   // in a new order
        assertThat(fixed.distinctSlices()).containsExactly(Map.entry("P", 250L), Map.entry("Q", 250L));
        Mixture redraw = pq().weights(Weighting.uniform()).slicesPerEpoch(500).redrawEachEpoch(true).build();
        Set<Mixture.Draw> r1 = new HashSet<>(redraw.plan(1).draws()), r2 = new HashSet<>(redraw.plan(2).draws());
        assertThat(r1).hasSize(500).isNotEqualTo(r2);
        Set<Mixture.Draw> union = new HashSet<>(r1);
        union.addAll(r2);
        assertThat(union.size()).isGreaterThan(900); // two epochs see almost twice as many distinct slices
        // same seed, same subset; another seed, another subset
        assertThat(new HashSet<>(pq().weights(Weighting.uniform()).slicesPerEpoch(500).build().plan(7).draws())).isEqualTo(e1);
        assertThat(new HashSet<>(pq().seed(4).weights(Weighting.uniform()).slicesPerEpoch(500).build().plan(1).draws())).isNotEqualTo(e1);
    }
}
