package org.robustmri.data;

import org.robustmri.io.DataException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses train/test leakage: the same file (folder and file name) or the same {@code patient_id} on both sides.
 * Rows without a patient id (empty or "unknown") are compared by file only.
 */
public final class Leakage {
    private static final int SHOWN = 10;

    private Leakage() {
    }

    /** One leaking pair: what they share ({@code file} or {@code patient_id}), the shared value, and both rows. */
    public record Offender(String kind, String value, CatalogEntry train, CatalogEntry test) {
        @Override
        public String toString() {
            return kind.equals("file") ? "same file " + value
                    : "same patient_id '" + value + "': " + train.identity() + " (train) / " + test.identity() + " (test)";
        }
    }

    /** Leakage as a data error: the message lists the offenders (the first ten, then a count). */
    public static final class LeakageException extends DataException {
        private final transient List<Offender> offenders;

        LeakageException(List<Offender> offenders) {
            super(message(offenders));
            this.offenders = List.copyOf(offenders);
        }

        public List<Offender> offenders() {
            return offenders;
        }

        private static String message(List<Offender> o) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.min(SHOWN, o.size()); i++) parts.add(o.get(i).toString());
            return "train/test leakage, " + o.size() + " offender(s): " + String.join("; ", parts)
                    + (o.size() > SHOWN ? "; and " + (o.size() - SHOWN) + " more" : "");
        }
    }

    /** All leaking pairs, one per shared file and one per shared patient (first rows that share it). */
    public static List<Offender> find(Collection<CatalogEntry> train, Collection<CatalogEntry> test) {
        Map<String, CatalogEntry> trainFiles = new LinkedHashMap<>();
        Map<String, CatalogEntry> trainPatients = new LinkedHashMap<>();
        for (CatalogEntry e : train) {
            trainFiles.putIfAbsent(e.identity(), e);
            e.patientId().ifPresent(p -> trainPatients.putIfAbsent(p, e));
        }
        List<Offender> out = new ArrayList<>();
        Map<String, Boolean> reported = new LinkedHashMap<>();
        for (CatalogEntry e : test) {
            CatalogEntry t = trainFiles.get(e.identity());
            if (t != null && reported.putIfAbsent("file\0" + e.identity(), true) == null) {
                out.add(new Offender("file", e.identity(), t, e));
            }
            String p = e.patientId().orElse(null);
            if (p != null) {
                CatalogEntry tp = trainPatients.get(p);
                if (tp != null && !tp.identity().equals(e.identity()) && reported.putIfAbsent("patient\0" + p, true) == null) {
                    out.add(new Offender("patient_id", p, tp, e));
                }
            }
        }
        return out;
    }

    /** Throws {@link LeakageException} when train and test share a file or a patient. */
    public static void check(Collection<CatalogEntry> train, Collection<CatalogEntry> test) {
        List<Offender> o = find(train, test);
        if (!o.isEmpty()) throw new LeakageException(o);
    }
}
