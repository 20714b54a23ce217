package org.robustmri.cli;

import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "info", description = "Shapes, dtypes, attributes, parsed ISMRMRD header and padding of a fastMRI-format file.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.h5", description = "A fastMRI-layout HDF5 file.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> info = describe(file);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(info));
        } else {
            printText(info, "", out);
        }
        return 0;
    }

    static Map<String, Object> describe(Path file) {
        Map<String, Object> info = new LinkedHashMap<>();
        try (FastMriFile f = FastMriFile.open(file)) {
            info.put("file", file.toString());
            Map<String, Object> datasets = new LinkedHashMap<>();
            for (String name : f.datasetNames()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("shape", f.shapeOf(name));
                d.put("dtype", f.dtypeOf(name));
                datasets.put(name, d);
            }
            info.put("datasets", datasets);
            if (f.has(FastMriFile.KSPACE)) {
                FastMriFile.KspaceGeometry g = f.kspace();
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("layout", g.layout().name().toLowerCase(java.util.Locale.ROOT));
                k.put("multicoil", g.multiCoil());
                k.put("slices", g.slices());
                k.put("coils", g.coils());
                k.put("height", g.height());
                k.put("width", g.width());
                k.put("storage", g.contiguous() ? "contiguous" : "chunked");
                info.put("kspace", k);
            }
            info.put("attributes", f.attributes());
            f.header().ifPresent(h -> info.put("header", header(h)));
        }
        return info;
    }

    private static Map<String, Object> header(IsmrmrdHeader h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vendor", h.vendor());
        m.put("model", h.model());
        m.put("fieldStrengthT", Double.isNaN(h.fieldStrengthT()) ? "unknown" : h.fieldStrengthT());
        m.put("receiverChannels", h.receiverChannels());
        m.put("institution", h.institution());
        m.put("protocol", h.protocol());
        m.put("encodedSize", new int[]{h.encodedX(), h.encodedY(), h.encodedZ()});
        m.put("reconSize", new int[]{h.reconX(), h.reconY(), h.reconZ()});
        m.put("phaseEncodeCenter", h.peCenter());
        m.put("phaseEncodeMaximum", h.peMaximum());
        if (h.hasEncodingLimits()) {
            m.put("paddingLeft", h.paddingLeft());
            m.put("paddingRight", h.paddingRight());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> m, String indent, java.io.PrintWriter out) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                out.println(indent + e.getKey() + ":");
                printText((Map<String, Object>) sub, indent + "  ", out);
            } else if (v instanceof int[] a) {
                out.println(indent + e.getKey() + ": " + java.util.Arrays.toString(a));
            } else {
                out.println(indent + e.getKey() + ": " + v);
            }
        }
    }
}
