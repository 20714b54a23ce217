package org.robustmri.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Repeated {@code NAME=VALUE} flags as an ordered map. */
final class NamedValues {
    private NamedValues() {
    }

    static <V> Map<String, V> parse(List<String> items, String flag, String form, Function<String, V> value) {
        Map<String, V> m = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) throw new Main.UsageException(flag + " takes " + form + ", got '" + item + "'");
            m.put(item.substring(0, eq).trim(), value.apply(item.substring(eq + 1).trim()));
        }
        return m;
    }
}
