package org.robustmri.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The report as one self-contained page: it opens with the claims table (claim by architecture: estimate, interval,
 * verdict), then the in- versus out-of-distribution figure, then the other findings, the evidence (each table with its
 * figure), the reconstructions and how the numbers were made.
 */
final class ReportHtml {
    private static final String CSS = "body{font-family:sans-serif;max-width:1360px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.4}"
            + "table{border-collapse:collapse;margin:0.8em 0;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}"
            + "th{background:#eef;text-align:center}td:first-child{text-align:left}"
            + "table.claims td,table.claims th{font-size:14px;padding:6px 10px}table.claims td{white-space:nowrap}"
            + "table.claims td:first-child{white-space:normal;max-width:26em}"
            + ".holds{background:#dff3df}.fails{background:#f8dcdc}.undecided{background:#f2f2f2}.na{color:#888}"
            + ".verdict{font-weight:bold;display:block}.sources{display:block;font-size:12px;color:#666}.caption{color:#555;font-size:13px}"
            + "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}.finding{margin:0.25em 0}"
            + "details{margin:0.4em 0}summary{cursor:pointer;color:#335}.row{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}"
            + ".row img{max-width:none}table.real td:nth-child(-n+3){text-align:left}";

    private ReportHtml() {
    }

    static String render(Path dir, Analyses a, ClaimsView claims, List<Table> tables, Map<String, byte[]> figs, List<String> findings,
                         List<RealScans.Score> realScans) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>robustmri report: ")
                .append(esc(dir.toAbsolutePath().getFileName().toString())).append("</title><style>").append(CSS).append("</style></head><body>");
        h.append("<h1>Does diverse training data make reconstruction robust?</h1>");
        h.append("<p>Study <b>").append(esc(dir.toAbsolutePath().getFileName().toString())).append("</b>: ")
                .append(a.models().size()).append(" architecture(s), ").append(a.trainSets().size()).append(" training set(s), ")
                .append(a.testSets().size()).append(" test set(s).");
        if (claims.rows().isEmpty()) {
            // one training set (or none held out): nothing to compare, so say so instead of an empty table
            h.append(" None of the claims of Lin &amp; Heckel (ICML 2024) applies to its design: they compare models trained on"
                    + " different sets, tested on held-out distributions.</p>");
        } else {
            h.append(" The claims of Lin &amp; Heckel (ICML 2024), decided on this study's data:</p>");
            claimsTable(h, claims);
            h.append("<p class=\"caption\">").append(esc(claims.caption())).append(".</p>");
        }
        Map<String, byte[]> robustness = new java.util.LinkedHashMap<>();
        figs.forEach((name, png) -> {
            if (name.startsWith("robustness-") && png != null) robustness.put(name, png);
        });
        if (!robustness.isEmpty()) {
            h.append("<div class=\"row\">");
            robustness.forEach((name, png) -> figure(h, png, name, null));
            h.append("</div>");
            caption(h, "Each point is a model: its mean SSIM on the test sets of its own distributions (x) and on the held-out ones (y). "
                    + "The line goes through the single-distribution models; mixtures above it are robust beyond what their in-distribution SSIM predicts.");
        }
        realScans(h, realScans);
        if (!findings.isEmpty()) {
            h.append("<h2>Other findings</h2>");
            for (String f : findings) h.append("<p class=\"finding\">").append(esc(f)).append("</p>");
        }
        h.append("<h2>Evidence</h2>");
        for (Table t : tables) {
            if (t.name().equals("claims") || t.name().equals("real_scans")) continue;
            h.append("<h3>").append(esc(t.title())).append("</h3>");
            h.append("<div class=\"row\">");
            figs.forEach((name, png) -> {
                if (name.equals(t.name()) || name.startsWith(t.name() + "-")) figure(h, png, name, null);
            });
            h.append("</div>");
            if (t.rows().isEmpty()) {
                h.append("<p>(no rows: the study has no training sets of this kind)</p>");
                continue;
            }
            h.append("<details><summary>table (").append(t.rows().size()).append(" rows; analyses/").append(esc(t.name())).append(".csv)</summary>");
            table(h, t);
            h.append("</details>");
        }
        panels(h, dir.resolve("panels"));
        h.append("<h2>How the numbers are made</h2><p>SSIM: 7x7 uniform window, K1 0.01, K2 0.03, data range = the target volume's maximum, "
                        + "mean over slices. A cell is the mean over test volumes of the seed-averaged SSIM per volume. Claims: each statistic's 95 % "
                        + "interval comes from a joint bootstrap that draws every architecture's model seeds and every test set's volumes with "
                        + "replacement (comparisons stay paired on the same volumes). In- vs out-of-distribution: ")
                .append(esc(a.relations().rule())).append(". Checkpoint rules in the tables: ");
        for (Analyses.Checkpoint c : a.checkpoints()) h.append("<b>").append(c.key()).append("</b> = ").append(esc(c.label())).append("; ");
        h.append("the claims use ").append(esc(a.headlineRule().label())).append(".</p>");
        h.append("<p>Tables as CSV: analyses/; figures as PNG: figures/; raw rows: results.csv; runs: runs.csv.</p>");
        // lets a headless browser check that every inline image decoded (tools/check_report.sh)
        h.append("<script>window.addEventListener('load',function(){var im=Array.prototype.slice.call(document.images);")
                .append("var ok=im.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;")
                .append("document.body.setAttribute('data-images-loaded',ok+'/'+im.length);});</script>");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void claimsTable(StringBuilder h, ClaimsView v) {
        h.append("<table class=\"claims\"><tr><th>claim</th>");
        for (String arch : v.architectures()) h.append("<th>").append(esc(arch)).append("</th>");
        h.append("</tr>");
        for (ClaimsView.Row r : v.rows()) {
            h.append("<tr><td>").append(esc(r.claim())).append("</td>");
            for (Claims.Claim c : r.cells()) {
                if (c == null) {
                    h.append("<td class=\"na\">not in this design</td>");
                    continue;
                }
                Claims.Verdict verdict = c.verdict();
                if (verdict == Claims.Verdict.NOT_APPLICABLE) {
                    h.append("<td class=\"na\" title=\"").append(esc(c.measure())).append("\">n/a</td>");
                    continue;
                }
                h.append("<td class=\"").append(verdict.label()).append("\" title=\"").append(esc(c.measure() + "; " + c.detail())).append("\">")
                        .append("<span class=\"verdict\">").append(verdict.label()).append("</span>").append(esc(c.show()));
                SeedVolumeBootstrap.Estimate e = c.estimate();
                if (verdict == Claims.Verdict.UNDECIDED && !Double.isNaN(e.seedsHalfWidth())) {
                    // where the width comes from tells a user what would decide it: more seeds or more test subjects
                    // exactly zero from seeds: every arm has one seed, so seed-to-seed spread is not in the interval at all
                    String seeds = e.seedsHalfWidth() == 0 ? "none (one seed per model)" : String.format(Locale.ROOT, "%.4f", e.seedsHalfWidth());
                    h.append(String.format(Locale.ROOT, "<span class=\"sources\">half-width from seeds alone %s, test volumes alone %.4f</span>",
                            seeds, e.volumesHalfWidth()));
                }
                h.append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    /** Simulated training tested on real scans: each reconstruction against zero-filling, in SSIM and PSNR. */
    private static void realScans(StringBuilder h, List<RealScans.Score> scores) {
        if (scores.isEmpty()) return;
        h.append("<h2>Trained on simulated data, tested on real scans</h2>");
        h.append("<table class=\"real\"><tr><th>real test set</th><th>reconstruction</th><th>architecture</th><th>seeds</th><th>SSIM</th>"
                + "<th>vs zero-filled</th><th>PSNR (dB)</th><th>vs zero-filled</th></tr>");
        for (RealScans.Score s : scores) {
            boolean baseline = s.model().isEmpty();
            String cls = baseline ? "" : s.beatsZeroFilled() ? " class=\"holds\"" : " class=\"fails\"";
            h.append("<tr").append(cls).append("><td>").append(esc(s.testSet())).append("</td><td>").append(esc(s.reconstruction()))
                    .append("</td><td>").append(esc(s.model())).append("</td><td>").append(baseline ? "" : String.valueOf(s.runs()))
                    .append(String.format(Locale.ROOT, "</td><td>%.4f</td><td>%+.4f</td><td>%.2f</td><td>%+.2f</td></tr>",
                            s.ssim(), s.ssim() - s.zeroFilledSsim(), s.psnr(), s.psnr() - s.zeroFilledPsnr()));
        }
        h.append("</table>");
        caption(h, "Final epoch of every run, mean over model seeds; SSIM is the mean over slices, PSNR over volumes. Green: better than "
                + "zero-filling in both SSIM and PSNR; red: not. analyses/real_scans.csv");
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<table><tr>");
        for (String c : t.header()) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>");
        for (List<String> r : t.rows()) {
            h.append("<tr>");
            for (String c : r) h.append("<td>").append(esc(c)).append("</td>");
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static void figure(StringBuilder h, byte[] png, String alt, String caption) {
        if (png == null) return;
        h.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">");
        if (caption != null) caption(h, caption);
    }

    private static void caption(StringBuilder h, String text) {
        h.append("<p class=\"caption\">").append(esc(text)).append("</p>");
    }

    private static void panels(StringBuilder h, Path panels) {
        if (!Files.isDirectory(panels)) return;
        h.append("<h2>Reconstructions</h2><p>Per test set, the middle slices of its first volume: a row per reconstruction (the target, the "
                + "zero-filled input, each architecture's final model of each training set, first seed); per slice the image with its SSIM and "
                + "its absolute error to the target (x4).</p>");
        try (Stream<Path> s = Files.list(panels)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".png")).sorted().toList()) {
                h.append("<h3>").append(esc(p.getFileName().toString().replace(".png", ""))).append("</h3>");
                figure(h, Files.readAllBytes(p), "panel", null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
