package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.report.Relations;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configs/paper study selects what the paper's splits hold: volumes and slices per training distribution, test
 * volumes, held-out test sets, masks and batching, against counts computed independently from the CSVs
 * (tools/golden/gen_paper_config_counts.py).
 */
class PaperConfigsTest {
    static final Path DIR = Path.of("configs", "paper");

    @Test
    void everyPaperConfigPlansWhatItsSplitsHold() throws java.io.IOException {
        JsonNode golden = TestFiles.golden("paper_configs.json");
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            Path file = DIR.resolve(c.getKey());
            Experiment e = new Experiment(ExperimentConfig.read(file), DIR.toAbsolutePath(), Path.of("target", "paper-plan"), null);
            Experiment.Plan p = e.plan(false);
            JsonNode g = c.getValue();
            boolean holdout = !g.get("validation_holdout").isNull();
            for (Iterator<Map.Entry<String, JsonNode>> sets = g.get("training_sets").fields(); sets.hasNext(); ) {
                Map.Entry<String, JsonNode> set = sets.next();
                Map<String, long[]> ours = p.components().get(set.getKey());
                assertThat(ours).as(c.getKey() + " " + set.getKey()).isNotNull();
                long volumes = 0, expectedVolumes = 0;
                for (Iterator<Map.Entry<String, JsonNode>> comps = set.getValue().fields(); comps.hasNext(); ) {
                    Map.Entry<String, JsonNode> comp = comps.next();
                    long[] n = ours.get(comp.getKey());
                    volumes += n[0];
                    expectedVolumes += comp.getValue().get(0).asLong();
                    if (!holdout) {
                        assertThat(n).as(c.getKey() + " " + set.getKey() + " " + comp.getKey())
                                .containsExactly(comp.getValue().get(0).asLong(), comp.getValue().get(1).asLong());
                    }
                }
                if (holdout) {
                    assertThat(volumes + p.validationVolumes().get(set.getKey())).isEqualTo(expectedVolumes);
                    assertThat(p.validationVolumes().get(set.getKey())).isGreaterThan(0);
                }
                List<String> heldOut = new ArrayList<>();
                for (String t : p.testVolumes().keySet()) if (p.relations().kind(set.getKey(), t) == Relations.Kind.OUT) heldOut.add(t);
                List<String> expected = new ArrayList<>();
                set.getValue();
                g.get("held_out").get(set.getKey()).forEach(n -> expected.add(n.asText()));
                assertThat(heldOut).as(c.getKey() + " " + set.getKey() + " held out").isEqualTo(expected);
            }
            for (Iterator<Map.Entry<String, JsonNode>> t = g.get("test_sets").fields(); t.hasNext(); ) {
                Map.Entry<String, JsonNode> ts = t.next();
                assertThat(p.testVolumes().get(ts.getKey())).as(c.getKey() + " test " + ts.getKey()).isEqualTo(ts.getValue().asInt());
            }
            var mask = p.runs().get(0).spec().mask();
            assertThat(mask.type()).isEqualTo(g.at("/mask/type").asText());
            assertThat(mask.accelerations()).containsExactly(g.at("/mask/accelerations/0").asDouble());
            assertThat(mask.centerFractions()).containsExactly(g.at("/mask/center_fractions/0").asDouble());
            assertThat(p.runs().get(0).spec().batching()).isEqualTo(g.get("batching").asText());
            checked.add(c.getKey());
        }
        // every study shipped in configs/paper, none skipped
        List<String> shipped = new ArrayList<>();
        try (var files = java.nio.file.Files.list(DIR)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).forEach(shipped::add);
        }
        assertThat(shipped).hasSizeGreaterThanOrEqualTo(9);
        assertThat(checked).containsExactlyInAnyOrderElementsOf(shipped);
        // the skewed sets really are all of P plus a small Q: 90/10 in slices, roughly
        JsonNode pd = golden.get("section3_p90_q10.yaml").get("training_sets").get("pd90+pdfs10");
        double p90 = pd.get("pd").get(1).asDouble(), q10 = pd.get("pdfs").get(1).asDouble();
        assertThat(q10 / (p90 + q10)).isBetween(0.04, 0.12);
        // leave-one-out: each mixture holds out exactly its target
        assertThat(golden.get("section4_diversity.yaml").get("held_out").get("all-but-AXT2-Skyra").toString()).isEqualTo("[\"AXT2-Skyra\"]");
    }
}
