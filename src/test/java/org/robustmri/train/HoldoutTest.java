package org.robustmri.train;

import org.junit.jupiter.api.Test;
import org.robustmri.data.CatalogEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** validation_holdout: whole patients out of each training distribution, seeded, never all of them. */
class HoldoutTest {
    static List<CatalogEntry> volumes(int n, int perPatient) {
        List<CatalogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("folderDirectory", "/d/");
            c.put("filename", "v" + i + ".h5");
            c.put("start_slice", "0");
            c.put("end_slice", "10");
            c.put("patient_id", "p" + (i / perPatient));
            out.add(CatalogEntry.of(c));
        }
        return out;
    }

    @Test
    void wholePatientsAreHeldOutDeterministically() {
        List<CatalogEntry> rows = volumes(40, 2);
        List<CatalogEntry>[] a = TrainRun.holdOut(rows, 0.1, 3, "P");
        assertThat(a[1]).hasSize(4); // round(0.1 * 40) volumes, in whole patients of 2
        Set<String> heldPatients = new HashSet<>(), trainPatients = new HashSet<>();
        a[1].forEach(e -> heldPatients.add(e.get("patient_id")));
        a[0].forEach(e -> trainPatients.add(e.get("patient_id")));
        assertThat(heldPatients).hasSize(2).doesNotContainAnyElementsOf(trainPatients);
        assertThat(a[0].size() + a[1].size()).isEqualTo(40);
        List<CatalogEntry>[] again = TrainRun.holdOut(rows, 0.1, 3, "P");
        assertThat(again[1]).isEqualTo(a[1]);
        assertThat(TrainRun.holdOut(rows, 0.1, 4, "P")[1]).isNotEqualTo(a[1]);
        // a distribution of one volume keeps it for training
        List<CatalogEntry>[] one = TrainRun.holdOut(volumes(1, 1), 0.5, 3, "Q");
        assertThat(one[0]).hasSize(1);
        assertThat(one[1]).isEmpty();
    }
}
